"""One-off data patches of the postal plugin (hook ``patches``; each runs once per site)."""
