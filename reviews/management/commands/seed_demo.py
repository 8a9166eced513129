"""Load a demo workspace with the example systems, and a demo login (printed).

Safe to run again: existing objects are kept, examples already loaded are skipped, and
the demo user keeps the password it was given the first time (`make run` runs this on
every start; changing the password would log everyone out). The password is kept in
DEMO_LOGIN_FILE beside the database, readable by its owner only, so it can be printed
again; `--new-password` replaces it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reviews import services
from reviews.models import Membership, Workspace

DEMO_USERNAME = "demo"
DEMO_WORKSPACE = "Demo workspace"


def demo_login_file() -> Path:
    return Path(getattr(settings, "DEMO_LOGIN_FILE", settings.BASE_DIR / ".demo-password"))


def _saved_password(user) -> str | None:
    """The password written when the demo user was made, if it still logs in."""
    try:
        password = demo_login_file().read_text().strip()
    except OSError:
        return None
    return password if password and user.check_password(password) else None


def _save_password(password: str) -> None:
    path = demo_login_file()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(password + "\n")


class Command(BaseCommand):
    help = "Create a demo user and workspace with the example systems; print the login."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Run even with production settings."
        )
        parser.add_argument(
            "--new-password", action="store_true", help="Give the demo user a new password."
        )

    def handle(self, *args, force: bool = False, new_password: bool = False, **options) -> None:
        if getattr(settings, "PRODUCTION", False) and not force:
            raise CommandError("seed_demo creates a known login; refusing in production.")
        with transaction.atomic():
            user, created = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
            password = None if created or new_password else _saved_password(user)
            if password is None and (created or new_password or not user.has_usable_password()):
                password = secrets.token_urlsafe(12)
                user.set_password(password)
                user.save()
                _save_password(password)
            workspace = Workspace.objects.filter(
                name=DEMO_WORKSPACE, memberships__user=user
            ).first() or Workspace.objects.create(name=DEMO_WORKSPACE)
            Membership.objects.update_or_create(
                workspace=workspace, user=user, defaults={"role": Membership.OWNER}
            )
        self._load_examples(workspace, user)
        if password:
            self.stdout.write(
                self.style.SUCCESS(f"Demo login: username {DEMO_USERNAME}  password {password}")
            )
        else:
            # The user exists with a password set by hand: it is theirs, not printed.
            self.stdout.write(
                f"Demo login: username {DEMO_USERNAME}, password unchanged "
                "(seed_demo --new-password sets and prints a new one)"
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
