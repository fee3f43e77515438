"""Dossier states and actions, re-exported from their one declaration in ``core/lifecycle.py``."""

from motcua.core.lifecycle import OPEN, PAUSED, TERMINAL, Action, Status

__all__ = ["OPEN", "PAUSED", "TERMINAL", "Action", "Status"]
