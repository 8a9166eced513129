"""python manage.py export_decisions SYSTEM -o decisions.json"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from reviews.decisions import export_decisions

from .report import find_system


class Command(BaseCommand):
    help = (
        "Write a system's review decisions as ciphermap-decisions/1 JSON, for "
        "`python -m threatmodel check MODEL --decisions FILE`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("system", help="the system's id, or its exact name")
        parser.add_argument(
            "-o", "--output", default="-", help="where to write the JSON ('-' for stdout)"
        )

    def handle(self, *args, **options) -> None:
        system = find_system(options["system"])
        exported = export_decisions(system)
        text = json.dumps(exported, indent=2, ensure_ascii=False) + "\n"
        if options["output"] == "-":
            sys.stdout.write(text)
            return
        path = Path(options["output"])
        path.write_text(text, encoding="utf-8")
        self.stderr.write(
            self.style.SUCCESS(
                f"Wrote {path}: {len(exported['decisions'])} decisions of {system.name}"
            )
        )
