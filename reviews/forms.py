"""Forms. Item forms edit one entry of a model document section and turn their cleaned
data back into the document's own shape (`to_item`); the engine does the validation
that needs the whole document, and its problems are put back on the fields."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.forms.forms import DeclarativeFieldsMetaclass
from django.http import QueryDict

from threatmodel import schema
from threatmodel.edit import unique_id
from threatmodel.formats import FORMATS
from threatmodel.load import Problem

from .models import Membership, Workspace
from .validators import no_bidi_controls
from .widgets import FastCheckboxSelectMultiple, FastSelect


def _choices(values: Iterable[str], blank: str | None = "—") -> list[tuple[str, str]]:
    choices = [(value, value) for value in values]
    return [("", blank), *choices] if blank is not None else choices


def _explained(vocabulary: schema.Vocabulary) -> list[tuple[str, str]]:
    """A vocabulary's values, each with its one-line explanation."""
    return [
        (choice.value, f"{choice.value} — {choice.help}" if choice.help else choice.value)
        for choice in vocabulary.choices
    ]


def _keep_order(before: list, chosen: list) -> list:
    """A multiple choice comes back in the choices' order; keep the order the document
    had, new picks last, so re-saving a form does not read as a change in history."""
    kept = [value for value in before if value in chosen]
    return kept + [value for value in chosen if value not in kept]


def _ids(document: dict, section: str) -> list[str]:
    return [item["id"] for item in document.get(section, [])]


def _named(items: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """Reference choices by name, with the ID where the name differs from it."""
    return [
        (item["id"], f"{item['name']} ({item['id']})" if item.get("name") else item["id"])
        for item in items
    ]


def field_of[F: forms.Field](form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """The form's field `name`, which is a `kind` (to set its choices or queryset)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


def form_field(field: schema.Field) -> forms.Field:
    """The Django form field of a declared field (references get their choices from the
    document being edited, in `ItemForm.set_choices`)."""
    common: dict[str, Any] = {"label": field.label, "help_text": field.help, "required": False}
    kind = field.type
    if kind == "id":
        return forms.RegexField(
            regex=f"^{schema.ID_PATTERN}$",
            max_length=schema.MAX_ID_LENGTH,
            **{**common, "required": True},
        )
    if kind == "text":
        widget = (
            forms.Textarea(attrs={"rows": 2})
            if (field.max_length or 0) > schema.MAX_NAME_LENGTH
            else None
        )
        return forms.CharField(max_length=field.max_length, widget=widget, **common)
    if kind == "flag":
        if field.default is None:  # true, false or not stated
            options = [("", "— not stated —"), ("true", "Yes"), ("false", "No")]
            return forms.NullBooleanField(widget=forms.Select(choices=options), **common)
        return forms.BooleanField(initial=field.default, **common)
    if kind == "count":
        return forms.IntegerField(min_value=field.minimum, initial=field.default, **common)
    if kind == "date":
        return forms.DateField(widget=_date_input(), **common)
    if kind == "choice":
        assert field.vocabulary is not None
        stated = field.required or field.default is not None
        blank = [] if stated else [("", "— not stated —")]
        return forms.ChoiceField(
            choices=[*blank, *_explained(field.vocabulary)],
            initial=field.default,
            widget=FastSelect,
            **{**common, "required": field.required},
        )
    if kind == "choices":
        assert field.vocabulary is not None
        return forms.MultipleChoiceField(
            choices=_explained(field.vocabulary), widget=FastCheckboxSelectMultiple, **common
        )
    if kind == "ref":
        return forms.ChoiceField(widget=FastSelect, **{**common, "required": field.required})
    if kind == "refs":
        return forms.MultipleChoiceField(widget=FastCheckboxSelectMultiple, **common)
    raise ValueError(f"no form field for the schema type '{kind}' ({field.name})")


def _left_out(value: Any, field: schema.Field | None, *, stated: bool) -> bool:
    """Whether the form's value leaves its key out of the item. Most fields go when
    blank or off (their default). A field whose default is "not stated" keeps an
    explicit No, and a list the item stated keeps being stated when every box is
    unticked: the engine reads `rate_limited: false` and `data: []` as facts, and an
    absent key as unknown (assumed the worst, and said so)."""
    if value is None or value == "":
        return True
    not_stated_by_default = field is not None and field.default is None
    if value is False:
        return not not_stated_by_default
    if value == []:
        return not (not_stated_by_default and stated)
    return False


def _form_name(field: schema.Field, prefix: str = "") -> str:
    return prefix + (field.attribute or field.name)


def _declared_fields(fields: Iterable[schema.Field], prefix: str = "") -> dict[str, forms.Field]:
    """Form fields of declared fields; a nested mapping (`tls`) becomes a checkbox saying
    it is known, followed by its own fields (`tls_min_version`, ...)."""
    result: dict[str, forms.Field] = {}
    for field in fields:
        if not field.in_forms:
            continue
        if field.type == "mapping":
            result[field.name] = forms.BooleanField(
                required=False, label=field.label, help_text=field.help
            )
            result.update(_declared_fields(field.fields, prefix=f"{field.name}_"))
        else:
            result[_form_name(field, prefix)] = form_field(field)
    return result


def _fieldsets(section: schema.Section) -> list[tuple[str, list[str]]]:
    """The form's parts in the order the declaration first names them."""
    groups: dict[str, list[str]] = {}
    for field in section.fields:
        if field.in_forms:
            names = list(_declared_fields([field]))
            groups.setdefault(field.group or section.noun.capitalize(), []).extend(names)
    return list(groups.items())


def _with_fields(
    fieldsets: list[tuple[str, list[str]]], group: str, names: tuple[str, ...]
) -> list[tuple[str, list[str]]]:
    return [(title, [*fields, *names] if title == group else fields) for title, fields in fieldsets]


def _field_kinds(section: schema.Section) -> dict[str, tuple[str, ...]]:
    return {_form_name(f): f.kinds for f in section.fields if f.kinds is not None}


def _section_attributes(section: schema.Section) -> dict[str, Any]:
    """An item form's fields and layout, from its section's declaration."""
    fieldsets = _fieldsets(section)
    return {
        "renamed": {f.name: f.attribute for f in section.fields if f.attribute},
        "fieldsets": fieldsets,
        "field_kinds": _field_kinds(section),
        "field_order": [name for _title, names in fieldsets for name in names],
        **_declared_fields(section.fields),
    }


class DeclaredFieldsMetaclass(DeclarativeFieldsMetaclass):
    """Gives a form class the fields of the schema it names, as if written first in its
    body: an item form's `section` (with its layout), or `declared` schema fields. What the
    class writes itself (more fields, another layout) comes after and wins."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> type:
        if attrs.get("section"):
            attrs = {**_section_attributes(schema.SECTION[attrs["section"]]), **attrs}
        if attrs.get("declared"):
            attrs = {**_declared_fields(attrs["declared"]), **attrs}
        return super().__new__(mcs, name, bases, attrs)


class VersionedForm(forms.Form, metaclass=DeclaredFieldsMetaclass):
    """Carries the version the user started from, for the stale-save check."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    label_suffix = ""
    fieldsets: list[tuple[str, list[str]]] = []
    # Form field -> the element kinds it applies to (app.js hides it for the others).
    field_kinds: dict[str, tuple[str, ...]] = {}

    def groups(self) -> list[dict]:
        """Fields grouped for display, in the order of `fieldsets`; a group's kinds are
        those of its fields, none when one of them applies to every kind."""
        fieldsets = self.fieldsets or [("", [n for n in self.fields if n != "base_version"])]
        groups = []
        for title, names in fieldsets:
            rows = [
                {"field": self[name], "kinds": " ".join(self.field_kinds.get(name, ()))}
                for name in names
                if name in self.fields
            ]
            everywhere = any(not row["kinds"] for row in rows)
            kinds = sorted({k for name in names for k in self.field_kinds.get(name, ())})
            groups.append(
                {"title": title, "kinds": "" if everywhere else " ".join(kinds), "rows": rows}
            )
        return groups


class ItemForm(VersionedForm):
    section = ""
    # Document key -> form field, where they differ.
    renamed: dict[str, str] = {}

    def __init__(self, *args: Any, document: dict, item: dict | None = None, **kwargs: Any) -> None:
        if item is not None:
            kwargs["initial"] = {**self.initial_from(item), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.document = document
        self.item = item
        self.set_choices(document)

    def set_choices(self, document: dict) -> None:
        """Fill reference choices from the document being edited: by name, without the
        item itself, limited to the element kinds a reference may point to."""
        own = (self.item or {}).get("id")
        section = schema.SECTION[self.section]
        for field in section.fields:
            if field.type not in ("ref", "refs"):
                continue
            items = [
                item
                for item in self.document.get(field.section, [])
                if not (field.section == self.section and item["id"] == own)
                and (field.targets is None or item.get("kind", item.get("type")) in field.targets)
            ]
            choices = _named(items)
            if field.type == "ref":
                choices = [("", "—"), *choices]
            field_of(self, _form_name(field), forms.ChoiceField).choices = choices

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
        form does not show (an element's position, ...) survive the edit. Values equal
        to the format's defaults are left to the save, which stores the canonical
        document."""
        item = dict(self.item or {})
        declared = {field.name: field for field in schema.SECTION[self.section].fields}
        for key in self.document_keys():
            value = self.cleaned_data.get(self.field_for(key))
            if isinstance(value, date):
                value = value.isoformat()
            if isinstance(value, list) and isinstance(item.get(key), list):
                value = _keep_order(item[key], value)
            if _left_out(value, declared.get(key), stated=key in item):
                item.pop(key, None)
            else:
                item[key] = value
        return {"id": item.pop("id"), **item}

    def new_items(self) -> dict[str, list[dict]]:
        """Items the form creates besides its own (section -> items)."""
        return {}

    def rebound_data(self, data: QueryDict, item: dict) -> QueryDict:
        """The form data to show again after `item` was saved."""
        return data

    def add_problems(self, problems: Iterable[Problem], location: str) -> None:
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


_ELEMENTS = schema.SECTION["elements"]
# Fields that create another item from an element's form, shown with the data at rest.
_CREATES = ("new_data", "new_data_classification", "new_key", "new_key_type")
_STORE_KEY_TYPE = schema.Vocabulary(
    "key type", tuple(c for c in schema.KEY_TYPE.choices if c.value in schema.STORE_KEY_TYPES)
)


class ElementForm(ItemForm):
    """An element; a store's form can also create the data class it stores and the key
    it is encrypted with, so "Data stored" is never a dead end."""

    section = "elements"

    new_data = forms.CharField(
        max_length=schema.MAX_NAME_LENGTH,
        required=False,
        label="New data class",
        help_text="Its name: adds a data class to the system, stored here.",
    )
    new_data_classification = forms.ChoiceField(
        choices=[("", "— internal unless chosen —"), *_explained(schema.CLASSIFICATION)],
        required=False,
        label="Its classification",
        widget=FastSelect,
    )
    new_key = forms.CharField(
        max_length=schema.MAX_NAME_LENGTH,
        required=False,
        label="New key",
        help_text="Its name: adds a key to the system and encrypts this element's data with it.",
    )
    new_key_type = forms.ChoiceField(
        choices=[("", "— dek unless chosen —"), *_explained(_STORE_KEY_TYPE)],
        required=False,
        label="Its type",
        widget=FastSelect,
    )

    fieldsets = _with_fields(_fieldsets(_ELEMENTS), "Data at rest", _CREATES)
    field_kinds = {
        **_field_kinds(_ELEMENTS),
        **dict.fromkeys(_CREATES, schema.AT_REST_KINDS),
    }
    field_order = [name for _title, names in fieldsets for name in names]

    def document_keys(self) -> list[str]:
        return [key for key in super().document_keys() if key not in _CREATES]

    def new_items(self) -> dict[str, list[dict]]:
        created: dict[str, list[dict]] = {}
        name = self.cleaned_data.get("new_data", "").strip()
        if name:
            item_id = unique_id(name, _ids(self.document, "data"))
            classification = self.cleaned_data.get("new_data_classification") or "internal"
            created["data"] = [{"id": item_id, "name": name, "classification": classification}]
        name = self.cleaned_data.get("new_key", "").strip()
        if name:
            item_id = unique_id(name, _ids(self.document, "keys"))
            key_type = self.cleaned_data.get("new_key_type") or "dek"
            created["keys"] = [{"id": item_id, "type": key_type, "name": name}]
        return created

    def to_item(self) -> dict:
        item = super().to_item()
        created = self.new_items()
        for data_class in created.get("data", []):
            item["stores"] = [*item.get("stores", []), data_class["id"]]
        for key in created.get("keys", []):
            item["key"] = key["id"]
        return item

    def rebound_data(self, data: QueryDict, item: dict) -> QueryDict:
        data = data.copy()
        for name in _CREATES:
            data.pop(name, None)
        data.setlist("stores", item.get("stores", []))
        data["key"] = item.get("key", "")
        return data


_TLS = schema.SECTION["flows"].field("tls")


class FlowForm(ItemForm):
    section = "flows"

    def document_keys(self) -> list[str]:
        return [key for key in super().document_keys() if not key.startswith("tls")]

    def initial_from(self, item: dict) -> dict:
        initial = super().initial_from({k: v for k, v in item.items() if k != "tls"})
        tls = item.get("tls")
        initial["tls"] = tls is not None
        for key, value in (tls or {}).items():
            initial[f"tls_{key}"] = value
        return initial

    def to_item(self) -> dict:
        item = super().to_item()
        if not self.cleaned_data.get("tls"):
            item.pop("tls", None)
            return item
        tls = {}
        for field in _TLS.fields:
            value = self.cleaned_data.get(f"tls_{field.name}")
            if isinstance(value, date):
                value = value.isoformat()
            if value is not None and value != "":
                tls[field.name] = value
        item["tls"] = tls
        return item

    def field_for(self, key: str) -> str:
        if key.startswith("tls."):
            return "tls_" + key[4:]
        return super().field_for(key)


class BoundaryForm(ItemForm):
    section = "boundaries"


class DataClassForm(ItemForm):
    section = "data"


class KeyForm(ItemForm):
    section = "keys"


ITEM_FORMS: dict[str, type[ItemForm]] = {
    form.section: form for form in (ElementForm, FlowForm, BoundaryForm, DataClassForm, KeyForm)
}


class PolicyForm(VersionedForm):
    declared = schema.POLICY_FIELDS

    def to_policy(self) -> dict:
        policy = {}
        for key, value in self.cleaned_data.items():
            if key == "base_version" or value in (None, ""):
                continue
            policy[key] = value.isoformat() if isinstance(value, date) else value
        return policy


def _top_field(name: str) -> schema.Field:
    return next(field for field in schema.TOP_FIELDS if field.name == name)


class SystemSettingsForm(VersionedForm):
    name = forms.CharField(max_length=_top_field("name").max_length, validators=[no_bidi_controls])
    description = forms.CharField(
        max_length=_top_field("description").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def writable_workspaces(user: User) -> QuerySet[Workspace]:
    return Workspace.objects.filter(
        memberships__user=user,
        memberships__role__in=Membership.WRITE_ROLES,
    ).distinct()


class NewSystemForm(forms.Form):
    workspace = forms.ModelChoiceField(queryset=Workspace.objects.none())
    name = forms.CharField(max_length=200, validators=[no_bidi_controls])
    template = forms.ChoiceField(required=False, label="Start from", widget=FastSelect)

    def __init__(self, *args: Any, user: User, examples: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "workspace", forms.ModelChoiceField).queryset = writable_workspaces(user)
        field_of(self, "template", forms.ChoiceField).choices = [
            ("", "A blank system"),
            *examples.items(),
        ]


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

    def clean_file(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("file")
        if upload and upload.size > settings.MAX_MODEL_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {settings.MAX_MODEL_BYTES // 1024} KB."
            )
        return upload

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
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

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "workspace", forms.ModelChoiceField).queryset = writable_workspaces(user)


class ImportIntoForm(ImportForm, VersionedForm):
    pass


class WorkspaceForm(forms.Form):
    name = forms.CharField(max_length=100, validators=[no_bidi_controls])


class MemberForm(forms.Form):
    """An invitation: a username or an e-mail address, never checked against the
    accounts here (that would tell an owner which usernames exist)."""

    username = forms.CharField(
        max_length=254, label="Username or e-mail address", validators=[no_bidi_controls]
    )
    role = forms.ChoiceField(choices=Membership.ROLES, initial=Membership.VIEWER, widget=FastSelect)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.ROLES, widget=FastSelect)
