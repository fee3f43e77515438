"""motcua plugin: the SMS notification channel (an HTTP SMS gateway)."""
