"""Shared by the calendar commands: every bad argument ends with exit status 2 and one line."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError


class OneLineErrorsCommand(BaseCommand):
    """A command whose argument errors are one line on stderr and exit status 2 (no usage dump)."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def error(message: str):
            if parser.called_from_command_line:
                sys.stderr.write(f"{subcommand}: {message}\n")
                sys.exit(2)
            raise CommandError(message, returncode=2)

        parser.error = error
        return parser


def fail(message: str) -> CommandError:
    """Return the CommandError for a bad input: one line, exit status 2."""
    return CommandError(" ".join(str(message).split()), returncode=2)
