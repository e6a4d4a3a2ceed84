"""python manage.py import_program program.json — recreate a program exported elsewhere."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from meetings.data.program_copy import ProgramImportError, import_program


class Command(BaseCommand):
    help = (
        "Create the program of an export_program file in this database (all or nothing). "
        "People who already exist here (same username) are kept as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON file, or - for standard input")

    def handle(self, *args, file: str, **options):
        try:
            if file == "-":
                doc = json.load(sys.stdin)
            else:
                with open(file, encoding="utf-8") as f:
                    doc = json.load(f)
        except (OSError, json.JSONDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        try:
            program, counts = import_program(doc)
        except ProgramImportError as error:
            raise CommandError(str(error)) from error
        summary = ", ".join(f"{n} {key.replace('_', ' ')}" for key, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Imported “{program.slug}”: {summary}."))
