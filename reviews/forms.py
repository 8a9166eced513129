"""Forms. Item forms edit one entry of a model document section and turn their cleaned
data back into the document's own shape (`to_item`); the engine does the validation
that needs the whole document, and its problems are put back on the fields."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

from threatmodel import model as tm
from threatmodel.formats import FORMATS

from .models import Membership, Workspace
from .widgets import FastCheckboxSelectMultiple, FastSelect

ID_HELP = "Lower-case letters, digits, - and _; unique in its section."
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"


def _choices(values, blank: str | None = "—") -> list[tuple[str, str]]:
    choices = [(value, value) for value in values]
    return [("", blank), *choices] if blank is not None else choices


def _keep_order(before: list, chosen: list) -> list:
    """A multiple choice comes back in the choices' order; keep the order the document
    had, new picks last, so re-saving a form does not read as a change in history."""
    kept = [value for value in before if value in chosen]
    return kept + [value for value in chosen if value not in kept]


def _ids(document: dict, section: str) -> list[str]:
    return [item["id"] for item in document.get(section, [])]


class VersionedForm(forms.Form):
    """Carries the version the user started from, for the stale-save check."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    label_suffix = ""
    fieldsets: list[tuple[str, list[str]]] = []
    # Fieldset title -> the element kinds it applies to (app.js hides the others).
    fieldset_kinds: dict[str, tuple[str, ...]] = {}

    def groups(self) -> list[dict]:
        """Fields grouped for display, in the order of `fieldsets`."""
        fieldsets = self.fieldsets or [("", [n for n in self.fields if n != "base_version"])]
        return [
            {
                "title": title,
                "kinds": " ".join(self.fieldset_kinds.get(title, ())),
                "fields": [self[name] for name in names],
            }
            for title, names in fieldsets
        ]


class ItemForm(VersionedForm):
    section = ""
    # Document key -> form field, where they differ.
    renamed: dict[str, str] = {}
    # Values equal to these are left out of the document (the format's defaults).
    defaults: dict[str, Any] = {}

    id = forms.RegexField(regex=ID_PATTERN, max_length=64, help_text=ID_HELP, label="ID")
    name = forms.CharField(max_length=200, required=False)
    description = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, document: dict, item: dict | None = None, **kwargs) -> None:
        if item is not None:
            kwargs["initial"] = {**self.initial_from(item), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.document = document
        self.item = item
        self.set_choices(document)

    def set_choices(self, document: dict) -> None:
        """Fill reference choices from the document being edited."""

    def document_keys(self) -> list[str]:
        fields = [name for name in self.fields if name != "base_version"]
        inverse = {field: key for key, field in self.renamed.items()}
        return [inverse.get(name, name) for name in fields]

    def field_for(self, key: str) -> str:
        return self.renamed.get(key, key)

    def initial_from(self, item: dict) -> dict:
        return {self.field_for(key): value for key, value in item.items()}

    def to_item(self) -> dict:
        """The edited item: the original with the form's fields applied, so keys the
        form does not show (an element's position, ...) survive the edit."""
        item = dict(self.item or {})
        for key in self.document_keys():
            value = self.cleaned_data.get(self.field_for(key))
            if isinstance(value, date):
                value = value.isoformat()
            if isinstance(value, list) and isinstance(item.get(key), list):
                value = _keep_order(item[key], value)
            if value in (None, "", [], False) or self.defaults.get(key, object()) == value:
                item.pop(key, None)
            else:
                item[key] = value
        return {"id": item.pop("id"), **item}

    def add_problems(self, problems, location: str) -> None:
        """Show engine problems at the fields they are about (`location` is this item's,
        e.g. "elements[3]"); the others become form-wide errors."""
        for problem in problems:
            field = None
            if problem.location.startswith(location + "."):
                key = re.sub(r"\[\d+\]", "", problem.location[len(location) + 1 :])
                field = self.field_for(key)
            if field in self.fields:
                self.add_error(field, problem.message)
            else:
                where = f"{problem.location}: " if problem.location else ""
                self.add_error(None, f"{where}{problem.message}")


class ElementForm(ItemForm):
    section = "elements"
    fieldsets = [
        ("Element", ["id", "kind", "name", "technology", "boundary", "description"]),
        (
            "Service",
            ["internet_facing", "rate_limited", "logs_payloads", "terminates_tls", "uses_keys"],
        ),
        ("Data at rest", ["stores", "encryption", "key", "public_access"]),
        ("Broker", ["auth", "acls", "retention_days"]),
        ("Logs and backups", ["immutable", "redaction", "backup_of", "offsite"]),
        ("Third party", ["agreements", "vendor_assessed"]),
    ]
    fieldset_kinds = {
        "Service": tm.SERVICE_KINDS,
        "Data at rest": tm.STORE_KINDS,
        "Broker": ("broker",),
        "Logs and backups": ("log-sink", "backup"),
        "Third party": ("external",),
    }

    kind = forms.ChoiceField(choices=_choices(tm.ELEMENT_KINDS, blank=None), widget=FastSelect)
    technology = forms.CharField(max_length=200, required=False)
    boundary = forms.ChoiceField(required=False, widget=FastSelect)
    internet_facing = forms.BooleanField(required=False)
    rate_limited = forms.BooleanField(required=False)
    logs_payloads = forms.BooleanField(required=False, label="Logs request/response bodies")
    terminates_tls = forms.BooleanField(required=False, label="Terminates TLS")
    uses_keys = forms.MultipleChoiceField(
        required=False, widget=FastCheckboxSelectMultiple, label="Keys held in memory"
    )
    stores = forms.MultipleChoiceField(
        required=False, widget=FastCheckboxSelectMultiple, label="Data stored"
    )
    encryption = forms.ChoiceField(
        required=False,
        choices=_choices(tm.ENCRYPTION_STRENGTH, blank="— not stated —"),
        widget=FastSelect,
    )
    key = forms.ChoiceField(required=False, widget=FastSelect)
    public_access = forms.BooleanField(required=False)
    auth = forms.ChoiceField(required=False, choices=_choices(tm.BROKER_AUTH), widget=FastSelect)
    acls = forms.BooleanField(required=False, label="ACLs")
    retention_days = forms.IntegerField(required=False, min_value=0)
    immutable = forms.BooleanField(required=False)
    redaction = forms.BooleanField(required=False)
    backup_of = forms.ChoiceField(required=False, label="Backup of", widget=FastSelect)
    offsite = forms.BooleanField(required=False)
    agreements = forms.MultipleChoiceField(
        required=False,
        widget=FastCheckboxSelectMultiple,
        choices=_choices(tm.AGREEMENTS, blank=None),
    )
    vendor_assessed = forms.BooleanField(required=False)

    field_order = [name for _title, names in fieldsets for name in names]

    def set_choices(self, document: dict) -> None:
        elements = [i for i in _ids(document, "elements") if i != (self.item or {}).get("id")]
        self.fields["boundary"].choices = _choices(_ids(document, "boundaries"))
        self.fields["uses_keys"].choices = _choices(_ids(document, "keys"), blank=None)
        self.fields["key"].choices = _choices(_ids(document, "keys"))
        self.fields["stores"].choices = _choices(_ids(document, "data"), blank=None)
        self.fields["backup_of"].choices = _choices(elements)


class FlowForm(ItemForm):
    section = "flows"
    renamed = {"from": "source", "to": "target"}
    defaults = {"purpose": "data"}
    fieldsets = [
        ("Flow", ["id", "source", "target", "name", "protocol", "data", "purpose", "description"]),
        (
            "Authentication",
            ["auth", "token_ttl_minutes", "signed", "message_encryption", "critical"],
        ),
        (
            "TLS",
            [
                "tls",
                "tls_min_version",
                "tls_forward_secrecy",
                "tls_weak_ciphers",
                "tls_mutual",
                "tls_verify_peer",
                "tls_certificate",
                "tls_cert_expires",
                "tls_auto_renew",
            ],
        ),
    ]
    TLS_DEFAULTS = {"verify_peer": True}

    source = forms.ChoiceField(label="From", widget=FastSelect)
    target = forms.ChoiceField(label="To", widget=FastSelect)
    protocol = forms.ChoiceField(
        required=False, choices=_choices(tm.PROTOCOLS, blank="— not stated —"), widget=FastSelect
    )
    data = forms.MultipleChoiceField(
        required=False, widget=FastCheckboxSelectMultiple, label="Data carried"
    )
    purpose = forms.ChoiceField(
        choices=_choices(tm.FLOW_PURPOSES, blank=None), initial="data", widget=FastSelect
    )
    auth = forms.ChoiceField(required=False, choices=_choices(tm.FLOW_AUTH), widget=FastSelect)
    token_ttl_minutes = forms.IntegerField(required=False, min_value=0, label="Token TTL (min)")
    signed = forms.BooleanField(required=False, label="Requests are signed")
    message_encryption = forms.BooleanField(required=False, label="Payload encrypted end to end")
    critical = forms.BooleanField(required=False, label="Critical operation")
    tls = forms.BooleanField(required=False, label="TLS details known")
    tls_min_version = forms.ChoiceField(
        required=False,
        choices=_choices(tm.TLS_VERSIONS),
        label="Minimum TLS version",
        widget=FastSelect,
    )
    tls_forward_secrecy = forms.NullBooleanField(
        required=False,
        label="Forward secrecy",
        widget=forms.Select(choices=[("", "— not stated —"), ("true", "Yes"), ("false", "No")]),
    )
    tls_weak_ciphers = forms.BooleanField(required=False, label="Weak ciphers enabled")
    tls_mutual = forms.BooleanField(required=False, label="Mutual TLS")
    tls_verify_peer = forms.BooleanField(required=False, initial=True, label="Client verifies peer")
    tls_certificate = forms.ChoiceField(
        required=False,
        choices=_choices(tm.CERTIFICATE_KINDS),
        label="Certificate",
        widget=FastSelect,
    )
    tls_cert_expires = forms.DateField(
        required=False, label="Certificate expires", widget=forms.DateInput(attrs={"type": "date"})
    )
    tls_auto_renew = forms.BooleanField(required=False, label="Auto-renewed")

    field_order = [name for _title, names in fieldsets for name in names]

    def set_choices(self, document: dict) -> None:
        elements = _choices(_ids(document, "elements"), blank=None)
        self.fields["source"].choices = elements
        self.fields["target"].choices = elements
        self.fields["data"].choices = _choices(_ids(document, "data"), blank=None)

    def document_keys(self) -> list[str]:
        return [key for key in super().document_keys() if not key.startswith("tls")]

    def initial_from(self, item: dict) -> dict:
        initial = super().initial_from({k: v for k, v in item.items() if k != "tls"})
        tls = item.get("tls")
        initial["tls"] = tls is not None
        for key, value in {**self.TLS_DEFAULTS, **(tls or {})}.items():
            initial[f"tls_{key}"] = value
        return initial

    def to_item(self) -> dict:
        item = super().to_item()
        if not self.cleaned_data.get("tls"):
            item.pop("tls", None)
            return item
        tls = {}
        for name in self.fields:
            if not name.startswith("tls_"):
                continue
            key, value = name[4:], self.cleaned_data.get(name)
            if isinstance(value, date):
                value = value.isoformat()
            if value is None or value == "" or value == self.TLS_DEFAULTS.get(key, False):
                continue
            tls[key] = value
        item["tls"] = tls
        return item

    def field_for(self, key: str) -> str:
        if key.startswith("tls."):
            return "tls_" + key[4:]
        return super().field_for(key)


class BoundaryForm(ItemForm):
    section = "boundaries"
    fieldsets = [("Trust boundary", ["id", "kind", "name", "parent", "env", "mesh", "description"])]

    kind = forms.ChoiceField(choices=_choices(tm.BOUNDARY_KINDS, blank=None), widget=FastSelect)
    parent = forms.ChoiceField(
        required=False, help_text="The boundary this one sits in.", widget=FastSelect
    )
    env = forms.ChoiceField(
        required=False, choices=_choices(tm.ENVS), label="Environment", widget=FastSelect
    )
    mesh = forms.ChoiceField(
        required=False, choices=_choices(tm.MESH_MODES), label="Service mesh", widget=FastSelect
    )

    field_order = fieldsets[0][1]

    def set_choices(self, document: dict) -> None:
        own = (self.item or {}).get("id")
        self.fields["parent"].choices = _choices(
            [i for i in _ids(document, "boundaries") if i != own]
        )


class DataClassForm(ItemForm):
    section = "data"
    fieldsets = [("Data class", ["id", "name", "classification", "tags", "description"])]
    defaults = {"classification": "internal"}

    classification = forms.ChoiceField(
        choices=_choices(tm.CLASSIFICATIONS, blank=None), initial="internal", widget=FastSelect
    )
    tags = forms.MultipleChoiceField(
        required=False,
        widget=FastCheckboxSelectMultiple,
        choices=_choices(tm.DATA_TAGS, blank=None),
    )

    field_order = fieldsets[0][1]


class KeyForm(ItemForm):
    section = "keys"
    fieldsets = [
        ("Key", ["id", "type", "name", "custody", "held_by", "wraps", "description"]),
        ("Lifecycle", ["rotation_days", "last_rotated", "compromised_on"]),
    ]

    type = forms.ChoiceField(choices=_choices(tm.KEY_TYPES, blank=None), widget=FastSelect)
    custody = forms.ChoiceField(
        required=False, choices=_choices(tm.CUSTODY_RANK), widget=FastSelect
    )
    held_by = forms.ChoiceField(required=False, label="Held by (key store)", widget=FastSelect)
    wraps = forms.MultipleChoiceField(
        required=False, widget=FastCheckboxSelectMultiple, label="Wraps (envelope encryption)"
    )
    rotation_days = forms.IntegerField(required=False, min_value=1, label="Rotation period (days)")
    last_rotated = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    compromised_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Known or suspected exposure.",
    )

    field_order = [name for _title, names in fieldsets for name in names]

    def set_choices(self, document: dict) -> None:
        own = (self.item or {}).get("id")
        self.fields["held_by"].choices = _choices(_ids(document, "elements"))
        self.fields["wraps"].choices = _choices(
            [i for i in _ids(document, "keys") if i != own], blank=None
        )


ITEM_FORMS: dict[str, type[ItemForm]] = {
    form.section: form for form in (ElementForm, FlowForm, BoundaryForm, DataClassForm, KeyForm)
}


class PolicyForm(VersionedForm):
    today = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The “as of” date for reproducible results; empty means today.",
    )
    key_rotation_days = forms.IntegerField(required=False, min_value=1, initial=90)
    token_ttl_minutes = forms.IntegerField(required=False, min_value=1, initial=60)
    cert_warning_days = forms.IntegerField(required=False, min_value=0, initial=30)
    blast_radius = forms.IntegerField(required=False, min_value=1, initial=5)
    acceptance_max_days = forms.IntegerField(
        required=False,
        min_value=1,
        initial=365,
        label="Longest risk acceptance (days)",
        help_text="A risk a review accepts must be looked at again within this many days.",
    )

    def to_policy(self) -> dict:
        policy = {}
        for key, value in self.cleaned_data.items():
            if key == "base_version" or value in (None, ""):
                continue
            policy[key] = value.isoformat() if isinstance(value, date) else value
        return policy


class SystemSettingsForm(VersionedForm):
    name = forms.CharField(max_length=200)
    description = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def writable_workspaces(user):
    return Workspace.objects.filter(
        memberships__user=user,
        memberships__role__in=[Membership.OWNER, Membership.EDITOR],
    ).distinct()


class NewSystemForm(forms.Form):
    workspace = forms.ModelChoiceField(queryset=Workspace.objects.none())
    name = forms.CharField(max_length=200)
    template = forms.ChoiceField(required=False, label="Start from", widget=FastSelect)

    def __init__(self, *args, user, examples: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workspace"].queryset = writable_workspaces(user)
        self.fields["template"].choices = [("", "A blank system"), *examples.items()]


class ImportForm(forms.Form):
    file = forms.FileField(
        required=False,
        help_text="YAML or JSON; the format is detected from the content: "
        + ", ".join(entry.name for entry in FORMATS if entry.supported)
        + ".",
    )
    text = forms.CharField(
        required=False,
        label="Or paste the document",
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > settings.MAX_MODEL_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {settings.MAX_MODEL_BYTES // 1024} KB."
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("file")) == bool(cleaned.get("text", "").strip()):
            raise forms.ValidationError("Upload a file or paste a document (one of the two).")
        return cleaned

    def source(self) -> tuple[bytes, str | None]:
        """The submitted text and its file name (None when pasted)."""
        upload = self.cleaned_data.get("file")
        if upload:
            return upload.read(settings.MAX_MODEL_BYTES + 1), upload.name
        return self.cleaned_data["text"].encode(), None


class ImportNewForm(ImportForm):
    workspace = forms.ModelChoiceField(queryset=Workspace.objects.none())
    field_order = ["workspace", "file", "text"]

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workspace"].queryset = writable_workspaces(user)


class ImportIntoForm(ImportForm, VersionedForm):
    pass


class WorkspaceForm(forms.Form):
    name = forms.CharField(max_length=100)


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Membership.ROLES, initial=Membership.VIEWER, widget=FastSelect)

    def clean_username(self):
        username = self.cleaned_data["username"]
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(f"There is no user called “{username}”.")
        return user


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.ROLES, widget=FastSelect)
