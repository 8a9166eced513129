"""Which format a model file is in, and how to read it as a Ciphermap document.

`FORMATS` is the one declared list: each entry names a format, recognises it (from the
parsed data, or from the raw text for formats that are not YAML or JSON), and converts
it with its importer's `to_document(data) -> dict`. An entry without a converter is a
format people bring that Ciphermap recognises but cannot read: it gets one clear line
instead of a list of field errors. To support another format, write its module with a
predicate and a converter, and add one entry here.

Order matters: the first entry that matches wins, and Ciphermap's own format comes last
because it is the broadest (a document without `format:` whose keys are mostly ours).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

from threatmodel.load import TOP_FIELDS, ModelError, Problem, parse_text

__all__ = ["FORMATS", "Format", "Imported", "detect", "find_format", "read_model"]


@dataclass(frozen=True)
class Format:
    """One file format: how to recognise it and how to read it."""

    id: str  # the CLI's name for it: `python -m threatmodel import <id> FILE`
    name: str  # what the user is told: "read as an OWASP Threat Dragon model"
    matches: Callable[[Any], bool] = lambda data: False  # on the parsed YAML/JSON
    matches_text: Callable[[str], bool] = lambda text: False  # formats that are not YAML/JSON
    to_document: Callable[[Any], dict[str, Any]] | None = None  # None: recognised, not read
    version: Callable[[Any], str] = lambda data: ""  # shown after the name, when known
    # Review decisions the file records (threat states, risk tracking), as proposals the
    # web import records on the matching findings: (data, document) -> [{rule, match, ...}]
    decisions: Callable[[Any, dict[str, Any]], list[dict[str, Any]]] | None = None
    refusal: str = ""  # for an unsupported format: what to do instead

    @property
    def supported(self) -> bool:
        return self.to_document is not None


@dataclass(frozen=True)
class Imported:
    """A file read through its format: the Ciphermap document and what it was read as."""

    document: dict[str, Any]
    format: Format
    label: str  # "OWASP Threat Dragon model (version 2.3.0)"
    decisions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def native(self) -> bool:
        return self.format.id == CIPHERMAP


def _importer(module: str, function: str) -> Callable[..., Any]:
    """`module.function` of an importer, imported on its first call: checking a Ciphermap
    file needs no importer, and importing them all (Terraform's tables above all) costs
    more than reading a small model."""

    def call(*args: Any) -> Any:
        return getattr(import_module(f"{__package__}.{module}"), function)(*args)

    call.__name__ = call.__qualname__ = f"{module}.{function}"
    return call


CIPHERMAP = "ciphermap"
UNNAMED = "Imported model"  # the name importers give a model that states none


def _version_field(*path: str) -> Callable[[Any], str]:
    def version(data: Any) -> str:
        for key in path:
            if not isinstance(data, Mapping):
                return ""
            data = data.get(key)
        return str(data) if isinstance(data, (str, int, float)) else ""

    return version


def _has_keys(*keys: str) -> Callable[[Any], bool]:
    return lambda data: isinstance(data, Mapping) and all(key in data for key in keys)


def _threat_dragon_version(data: Any) -> str:
    """Threat Dragon 2.x writes a top-level `version`; 1.x diagrams keep `diagramJson`."""
    stated = _version_field("version")(data)
    if stated:
        return stated
    diagrams = data.get("detail", {}).get("diagrams") if isinstance(data, Mapping) else None
    legacy = any(isinstance(d, Mapping) and "diagramJson" in d for d in diagrams or [])
    return "1.x" if legacy else ""


def _is_tm_bom(data: Any) -> bool:
    """The OWASP Threat Model Library's TM-BOM: `scope` plus its own sections."""
    if not isinstance(data, Mapping):
        return False
    schema = str(data.get("$schema", ""))
    own = {"trust_zones", "trust_boundaries", "data_stores", "data_sets", "data_flows", "actors"}
    return "threat-model-library" in schema or ("scope" in data and bool(own & set(data)))


def _is_drawio(text: str) -> bool:
    head = text.lstrip("\ufeff \t\r\n")[:2000]
    return head.startswith("<") and ("<mxfile" in head or "<mxGraphModel" in head)


def _is_tm7(text: str) -> bool:
    head = text.lstrip("\ufeff \t\r\n")[:2000]
    return head.startswith("<") and "<ThreatModel" in head


def is_ciphermap(data: Any) -> bool:
    """`format: ciphermap/...`, or no `format` and keys that are mostly Ciphermap's."""
    if not isinstance(data, Mapping) or not data:
        return False
    if "format" in data:
        return str(data["format"]).startswith("ciphermap")
    ours = sum(1 for key in data if key in TOP_FIELDS)
    return ours > 0 and ours >= len(data) - ours


def _as_is(data: Any) -> dict[str, Any]:
    return dict(data)


FORMATS: list[Format] = [
    Format(
        "threatdragon",
        "OWASP Threat Dragon model",
        matches=_importer("threatdragon", "is_threat_dragon"),
        to_document=_importer("threatdragon", "to_document"),
        version=_threat_dragon_version,
    ),
    Format(
        "threagile",
        "Threagile model",
        matches=_importer("threagile", "is_threagile"),
        to_document=_importer("threagile", "to_document"),
        version=_version_field("threagile_version"),
        decisions=_importer("threagile", "decisions"),
    ),
    Format(
        "otm",
        "Open Threat Model (OTM) file",
        matches=_importer("otm", "is_otm"),
        to_document=_importer("otm", "to_document"),
        version=_version_field("otmVersion"),
        decisions=_importer("otm", "decisions"),
    ),
    Format(
        "terraform",
        "Terraform plan (terraform show -json)",
        matches=_importer("terraform", "is_terraform_plan"),
        to_document=_importer("terraform", "to_document"),
        version=_version_field("format_version"),
    ),
    Format(
        "tm-bom",
        "TM-BOM (OWASP Threat Model Library) file",
        matches=_is_tm_bom,
        version=_version_field("version"),
        refusal="Ciphermap cannot import TM-BOM files; export the model as OTM or Threat "
        "Dragon from the tool that made it, or describe it in Ciphermap's format.",
    ),
    Format(
        "drawio",
        "draw.io diagram",
        matches_text=_is_drawio,
        refusal="Ciphermap cannot import draw.io diagrams: a drawing has no security facts "
        "to read. Redraw it in Ciphermap's editor, or import a threat model instead.",
    ),
    Format(
        "tm7",
        "Microsoft Threat Modeling Tool (.tm7) model",
        matches_text=_is_tm7,
        refusal="Ciphermap cannot import .tm7 files; Microsoft's tool has no open export "
        "Ciphermap reads.",
    ),
    Format(
        CIPHERMAP,
        "Ciphermap model",
        matches=is_ciphermap,
        to_document=_as_is,
    ),
]


def find_format(format_id: str) -> Format:
    """The entry with this CLI name; KeyError lists the names there are."""
    for entry in FORMATS:
        if entry.id == format_id:
            return entry
    raise KeyError(f"unknown format {format_id!r}; known: {', '.join(f.id for f in FORMATS)}")


def label(entry: Format, data: Any) -> str:
    """The format's name with the version the file states, if any."""
    version = entry.version(data) if data is not None else ""
    return f"{entry.name} (version {version})" if version else entry.name


def detect(data: Any, text: str = "") -> Format | None:
    """The first format that recognises the file, or None."""
    for entry in FORMATS:
        if (text and entry.matches_text(text)) or entry.matches(data):
            return entry
    return None


def _refuse(message: str) -> ModelError:
    return ModelError([Problem("", message)])


def _unknown(data: Any) -> ModelError:
    readable = ", ".join(f.name for f in FORMATS if f.supported)
    if isinstance(data, Mapping) and "format" in data:
        said = str(data["format"])[:40]
        return _refuse(f"format {said!r} is not one Ciphermap reads (it reads {readable})")
    keys = ", ".join(sorted(str(k) for k in data)[:8]) if isinstance(data, Mapping) else ""
    found = f"; its top-level keys are {keys}" if keys else ""
    return _refuse(f"not a model format Ciphermap reads (it reads {readable}){found}")


def read_model(
    source: str | bytes | Path,
    *,
    format_id: str | None = None,
    name: str | None = None,
    max_bytes: int | None = None,
) -> Imported:
    """Read a file in any supported format as a Ciphermap document dict.

    `format_id` insists on one format (the file must still look like it); otherwise the
    format is detected. Raises ModelError with one problem for a file that cannot be
    read, or whatever the parser reports. The caller validates the result with `load()`.
    """
    if isinstance(source, Path):
        try:
            with source.open("rb") as handle:
                raw = handle.read(-1 if max_bytes is None else max_bytes + 1)
        except OSError as exc:
            raise _refuse(f"cannot read {source.name}: {exc.strerror or exc}") from None
        name = name or source.stem
    else:
        raw = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    # Only for recognising XML formats; YAML and JSON are decoded strictly by the parser.
    utf16 = raw[:2] in (b"\xff\xfe", b"\xfe\xff")
    text = raw.decode("utf-16" if utf16 else "utf-8-sig", "replace")
    for text_format in FORMATS:
        if text_format.matches_text(text):
            return _convert(text_format, None, format_id, name)
    parsed = parse_text(raw, max_bytes=max_bytes)
    data = parsed.data
    entry = detect(data)
    if entry is None:
        raise _unknown(data)
    if parsed.problems and entry.id != CIPHERMAP:
        # Duplicate keys or values the parser refused: an importer must not see a
        # document with the last duplicate winning or a value silently gone.
        raise ModelError(parsed.problems)
    return _convert(entry, data, format_id, name)


def _convert(entry: Format, data: Any, format_id: str | None, name: str | None) -> Imported:
    if format_id is not None and format_id != entry.id:
        wanted = find_format(format_id)
        raise _refuse(f"expected {wanted.name}, but this file reads as {label(entry, data)}")
    if entry.to_document is None:
        raise _refuse(f"{label(entry, data)}: {entry.refusal}")
    document = entry.to_document(data)
    if name and entry.id != CIPHERMAP and document.get("name") in (None, "", UNNAMED):
        document["name"] = name
    proposed = entry.decisions(data, document) if entry.decisions else []
    return Imported(document, entry, label(entry, data), proposed)
