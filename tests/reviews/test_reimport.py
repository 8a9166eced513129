"""Import version: a newer plan merged into a hand-edited system, previewed, then applied."""

from __future__ import annotations

import contextlib
import json

import pytest

from reviews.models import ImportBase, System
from tests.conftest import client_for, make_system, sample_document
from tests.threatmodel.terraform_plans import R, plan

FIRST = plan(
    R(
        "aws_lambda_function",
        "api",
        {},
        {"environment": ["aws_s3_bucket.files", "aws_sqs_queue.jobs"]},
    ),
    R("aws_s3_bucket", "files", {"server_side_encryption_configuration": []}),
    R("aws_sqs_queue", "jobs", {"sqs_managed_sse_enabled": True}),
)
SECOND = plan(
    R(
        "aws_lambda_function",
        "api",
        {"environment": [{"variables": {"DB_PASSWORD": "hunter2-do-not-keep"}}]},
        {"environment": ["aws_s3_bucket.files", "aws_dynamodb_table.orders"]},
    ),
    R(
        "aws_s3_bucket",
        "files",
        {
            "server_side_encryption_configuration": [
                {
                    "rule": [
                        {"apply_server_side_encryption_by_default": [{"sse_algorithm": "AES256"}]}
                    ]
                }
            ]
        },
    ),
    R("aws_dynamodb_table", "orders", {}),
)


@pytest.fixture
def imported(editor, workspace):
    """A system created from the first plan, then edited by hand."""
    response = client_for(editor).post(
        "/systems/import/",
        {"workspace": workspace.pk, "text": json.dumps(FIRST)},
    )
    assert response.status_code == 302, response.content[:800]
    system = System.objects.get()
    document = system.document
    document["data"] = [{"id": "pii", "classification": "confidential", "tags": ["pii"]}]
    files = next(e for e in document["elements"] if e["id"] == "s3-files")
    files.update(stores=["pii"], position={"x": 10, "y": 20}, description="Customer uploads.")
    document["elements"].append({"id": "browser", "kind": "client"})
    document["flows"].append(
        {"id": "upload", "from": "browser", "to": "fn-api", "protocol": "https"}
    )
    response = client_for(editor).post(
        f"/systems/{system.pk}/document.json",
        json.dumps({"base_version": 1, "document": document}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content[:800]
    system.refresh_from_db()
    return system


def _preview(user, system, source=SECOND):
    return client_for(user).post(
        f"/systems/{system.pk}/reimport/",
        {"base_version": system.version, "text": json.dumps(source)},
    )


def test_importing_a_plan_as_a_new_system_remembers_what_the_import_made(imported):
    base = ImportBase.objects.get(system=imported)
    assert base.read_as.startswith("Terraform plan")
    assert {e["id"] for e in base.document["elements"]} == {"fn-api", "s3-files", "sqs-jobs"}


def test_the_preview_shows_the_diff_and_saves_nothing(imported, editor):
    response = _preview(editor, imported)
    assert response.status_code == 200
    merge = response.context["merge"]
    assert sorted(i["id"] for _s, i in merge.added) == [
        "ddb-orders",
        "fn-api-env-db-password",
        "fn-api-to-ddb-orders",
    ]
    assert sorted(i["id"] for _s, i in merge.removed) == ["fn-api-to-sqs-jobs", "sqs-jobs"]
    assert [(c.id, c.field, c.after) for c in merge.security_changes] == [
        ("s3-files", "encryption", "sse-s3")
    ]
    content = response.content.decode()
    assert "Security facts that change" in content and "sse-s3" in content
    assert "Inferred from aws_lambda_function.api" in content
    assert "upload" in content  # the drawn flow is listed as kept
    imported.refresh_from_db()
    assert imported.version == 2


def test_the_plan_is_not_kept_anywhere_only_what_the_mapping_reads(imported, editor):
    response = _preview(editor, imported)
    assert "hunter2" not in response.content.decode()
    confirm = response.context["confirm"].initial
    assert "hunter2" not in confirm["incoming"]
    assert "DB_PASSWORD" in confirm["incoming"]  # the secret is named, its value is not


def test_confirming_applies_one_revision_that_keeps_the_hand_edits(imported, editor):
    confirm = _preview(editor, imported).context["confirm"].initial
    response = client_for(editor).post(f"/systems/{imported.pk}/reimport/confirm/", confirm)
    assert response.status_code == 302
    imported.refresh_from_db()
    assert imported.version == 3
    elements = {e["id"]: e for e in imported.document["elements"]}
    assert set(elements) == {"fn-api", "s3-files", "ddb-orders", "browser"}
    files = elements["s3-files"]
    assert (files["encryption"], files["stores"], files["position"], files["description"]) == (
        "sse-s3",
        ["pii"],
        {"x": 10, "y": 20},
        "Customer uploads.",
    )
    assert "upload" in {f["id"] for f in imported.document["flows"]}
    assert imported.revisions.get(version=3).summary.startswith("imported Terraform plan")
    base = ImportBase.objects.get(system=imported)
    assert base.version == 3 and "ddb-orders" in {e["id"] for e in base.document["elements"]}


def test_a_confirmation_based_on_an_old_version_is_refused(imported, editor):
    confirm = _preview(editor, imported).context["confirm"].initial
    document = dict(imported.document, name="Renamed meanwhile")
    client_for(editor).post(
        f"/systems/{imported.pk}/document.json",
        json.dumps({"base_version": imported.version, "document": document}),
        content_type="application/json",
    )
    response = client_for(editor).post(
        f"/systems/{imported.pk}/reimport/confirm/", confirm, follow=True
    )
    assert "version 3" in response.content.decode()
    imported.refresh_from_db()
    assert (imported.version, imported.name) == (3, "Renamed meanwhile")


def test_a_damaged_confirmation_changes_nothing(imported, editor):
    data = {"base_version": imported.version, "read_as": "Terraform plan", "incoming": "{nope"}
    client_for(editor).post(f"/systems/{imported.pk}/reimport/confirm/", data)
    invalid = {**data, "incoming": json.dumps({"format": "ciphermap/1", "elements": [{"id": "x"}]})}
    response = client_for(editor).post(f"/systems/{imported.pk}/reimport/confirm/", invalid)
    assert response.status_code == 400
    imported.refresh_from_db()
    assert imported.version == 2


def test_a_ciphermap_document_replaces_the_current_one(editor, workspace):
    system = make_system(workspace)
    response = _preview(editor, system, sample_document(name="Version two"))
    assert response.context["merge"] is None
    confirm = response.context["confirm"].initial
    client_for(editor).post(f"/systems/{system.pk}/reimport/confirm/", confirm)
    system.refresh_from_db()
    assert (system.version, system.name) == (2, "Version two")
    assert not ImportBase.objects.filter(system=system).exists()


def test_an_unreadable_upload_shows_its_problem(imported, editor):
    response = client_for(editor).post(
        f"/systems/{imported.pk}/reimport/",
        {
            "base_version": imported.version,
            "text": json.dumps({"format_version": "2.0", "planned_values": {}}),
        },
    )
    assert response.status_code == 400
    assert "newer than this importer reads" in response.content.decode()


def test_the_system_page_links_import_version_to_the_merge(imported, editor):
    content = client_for(editor).get(f"/systems/{imported.pk}/").content.decode()
    assert f"/systems/{imported.pk}/reimport/" in content


def test_a_reimport_leaves_the_teams_decisions_alone(workspace, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reviews.models import Decision, DecisionEvent
    from tests.reviews.test_import_formats import FIXTURES

    shop = (FIXTURES / "threagile" / "shop.yaml").read_bytes()
    client_for(editor).post(
        "/systems/import/",
        {"workspace": workspace.pk, "file": SimpleUploadedFile("shop.yaml", shop)},
    )
    system = System.objects.get()
    assert ImportBase.objects.get(system=system).read_as.startswith("Threagile")
    decided = Decision.objects.filter(system=system).count()
    events = DecisionEvent.objects.count()
    assert decided
    response = client_for(editor).post(
        f"/systems/{system.pk}/reimport/",
        {"base_version": system.version, "file": SimpleUploadedFile("shop.yaml", shop)},
    )
    assert response.context["merge"] is not None and not response.context["merge"]
    confirm = response.context["confirm"].initial
    assert json.loads(confirm["decisions"])
    client_for(editor).post(f"/systems/{system.pk}/reimport/confirm/", confirm)
    assert Decision.objects.filter(system=system).count() == decided
    assert DecisionEvent.objects.count() == events


@pytest.mark.parametrize(
    ("view", "hidden"),
    [
        ("system_import", ["text"]),
        ("system_reimport", ["text"]),
        ("system_reimport_confirm", ["incoming", "decisions"]),
    ],
)
def test_uploads_never_reach_error_reports(view, hidden, outsider, system):
    """Django's error reports (mail to admins, debug pages) hide these POST fields."""
    from django.http import Http404
    from django.test import RequestFactory
    from django.urls import reverse

    from reviews import reimport, views

    function = getattr(reimport, view, None) or getattr(views, view)
    args = [] if view == "system_import" else [system.pk]
    request = RequestFactory().post(reverse(view, args=args), {"text": "x"})
    request.user = outsider
    request.htmx = False
    request._dont_enforce_csrf_checks = True
    with contextlib.suppress(Http404):
        function(request, *args)
    assert list(request.sensitive_post_parameters) == hidden
