#!/usr/bin/env python
"""Django's command-line utility for motcua (site chosen by MOTCUA_SITE, default "default").

The settings module is the one every process of the site uses: see ``config.site.settings_module``.
"""

import os
import sys
from pathlib import Path


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent / "apps"))
    if sys.argv[1:2] == ["plugins"]:  # before Django: a plugin that stops start-up can be disabled
        from motcua.plugins.cli import main as plugins_main

        raise SystemExit(plugins_main(sys.argv[2:]))
    from config.site import settings_module

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
