"""python manage.py export_program <slug> > program.json — every row of one program."""

import json

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Program
from meetings.data.program_copy import export_program


class Command(BaseCommand):
    help = (
        "Write one program, every row of it (people, mentorships, meetings, agendas, questions, "
        "comments, action items, notes, revisions), as JSON to standard output or --output. "
        "It contains private text: treat the file like the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the program's slug")
        parser.add_argument("--output", "-o", help="write to this file instead of stdout")

    def handle(self, *args, slug: str, output: str | None = None, **options):
        program = Program.objects.filter(slug=slug).first()
        if program is None:
            known = ", ".join(Program.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No program with the slug “{slug}” (known: {known}).")
        text = json.dumps(export_program(program), ensure_ascii=False, indent=1)
        if output:
            with open(output, "w", encoding="utf-8") as f:
                f.write(text + "\n")
            self.stderr.write(f"Wrote {program.slug} to {output}.")
        else:
            self.stdout.write(text)
