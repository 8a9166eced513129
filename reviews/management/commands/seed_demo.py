"""Load a demo workspace with the example systems, and a demo login (printed).

Safe to run again: existing objects are kept, examples already loaded are skipped, and
the demo user gets a fresh random password that is printed.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reviews import services
from reviews.models import Membership, Workspace

DEMO_USERNAME = "demo"
DEMO_WORKSPACE = "Demo workspace"


class Command(BaseCommand):
    help = "Create a demo user and workspace with the example systems; print the login."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Run even with production settings."
        )

    def handle(self, *args, force: bool = False, **options) -> None:
        if getattr(settings, "PRODUCTION", False) and not force:
            raise CommandError("seed_demo creates a known login; refusing in production.")
        password = secrets.token_urlsafe(12)
        with transaction.atomic():
            user, _created = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
            user.set_password(password)
            user.save()
            workspace = Workspace.objects.filter(
                name=DEMO_WORKSPACE, memberships__user=user
            ).first() or Workspace.objects.create(name=DEMO_WORKSPACE)
            Membership.objects.update_or_create(
                workspace=workspace, user=user, defaults={"role": Membership.OWNER}
            )
        self._load_examples(workspace, user)
        self.stdout.write(
            self.style.SUCCESS(f"Demo login: username {DEMO_USERNAME}  password {password}")
        )

    def _load_examples(self, workspace: Workspace, user) -> None:
        files = services.example_files()
        if not files:
            self.stdout.write("No example systems in examples/ yet; skipped.")
            return
        loaded = set(workspace.systems.values_list("name", flat=True))
        for path in files:
            try:
                document, _model = services.validate(path)
            except services.InvalidDocument as error:
                self.stderr.write(f"Skipped {path.name}: {error}")
                continue
            if document["name"] in loaded:
                continue
            services.create_system(workspace, document, user)
            self.stdout.write(f"Loaded {path.name} as {document['name']}")
