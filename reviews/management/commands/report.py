"""python manage.py report SYSTEM [--revision N | --review ID] -o out.pdf"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reviews.models import Review, System
from reviews.report.render import Section
from reviews.report.source import UnknownRevision, render_system_report


class Command(BaseCommand):
    help = "Render the PDF report of a system (by id or name), at its current or a given revision."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("system", help="the system's id, or its exact name")
        parser.add_argument("--revision", type=int, help="version to report on (default: current)")
        parser.add_argument(
            "--review",
            type=int,
            help="a review's id: its revision, with its decisions, sign-offs and changes",
        )
        parser.add_argument(
            "-o", "--output", required=True, help="where to write the PDF ('-' for stdout)"
        )

    def handle(self, *args, **options) -> None:
        system = find_system(options["system"])
        version = options["revision"]
        extra_sections: Sequence[Section] = ()
        if options["review"] is not None:
            from reviews.report.review import review_sections

            review = Review.objects.filter(pk=options["review"], system=system).first()
            if review is None:
                raise CommandError(f"{system.name} has no review {options['review']}.")
            if version is not None and version != review.version:
                raise CommandError(f"Review {review.pk} is of version {review.version}.")
            version, extra_sections = review.version, review_sections(review)
        try:
            report = render_system_report(
                system,
                version,
                progress=lambda message: self.stderr.write(f"{message}..."),
                extra_sections=extra_sections,
            )
        except UnknownRevision as error:
            raise CommandError(str(error)) from error
        if options["output"] == "-":
            sys.stdout.buffer.write(report.pdf)
            sys.stdout.buffer.flush()
            return
        path = Path(options["output"])
        path.write_bytes(report.pdf)
        self.stderr.write(
            self.style.SUCCESS(
                f"Wrote {path} ({len(report.pdf) // 1024} KiB): {system.name}, "
                f"version {report.version}, model sha256 {report.model_hash[:16]}…"
            )
        )


def find_system(reference: str) -> System:
    """A system by id, else by exact name (case-insensitive); names must be unambiguous."""
    if reference.isdigit():
        system = System.objects.filter(pk=int(reference)).first()
        if system is not None:
            return system
    matches = list(System.objects.filter(name__iexact=reference).select_related("workspace"))
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise CommandError(f"No system with id or name {reference!r}.")
    choices = ", ".join(f"{s.pk} (workspace {s.workspace})" for s in matches)
    raise CommandError(f"{len(matches)} systems are named {reference!r}; use an id: {choices}.")
