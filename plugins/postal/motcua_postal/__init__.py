"""motcua plugin: results returned by post through a carrier's HTTP API, tracked in the timeline."""
