"""python -m threatmodel check FILE [--format text|json|sarif] [--fail-on SEVERITY]
[--decisions FILE] [--max-size SIZE] | import [FORMAT] FILE [-o OUT] | export EXPORT FILE [-o OUT].

`check` analyzes a model in any format `formats.detect.FORMATS` reads and says which
format it read; `import` converts one to a Ciphermap document; `export` writes one of
`exports.EXPORTS` (OTM, findings CSV/JSON/SARIF, the crypto inventory).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from . import ModelError, __version__, analyze, dump, load
from .analysis import without_cycle_collection
from .exports import EXPORTS, find_export
from .formats.detect import FORMATS, Imported, read_model
from .model import SEVERITIES
from .scoring import rank

if TYPE_CHECKING:
    from .decisions import DecisionSet
    from .formats.terraform import PlanImport

# The decisions file, the SARIF and text writers and the Terraform importer are imported
# where a command needs them: a CI gate's `check --format json` starts faster without.

EXIT_CLEAN, EXIT_FINDINGS, EXIT_INVALID = 0, 1, 2
AUTO = "auto"
# A local file is the user's own: the cap only stops a mistaken path (a disk image, a
# log) from being read into memory. Uploads have their own, much smaller, cap.
DEFAULT_MAX_SIZE = "512M"
SIZE_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}


def size(text: str) -> int:
    """A size in bytes from "2048", "64K", "512M" or "1G"."""
    number, unit = text.strip().upper().rstrip("BI"), ""
    if number and number[-1] in SIZE_UNITS:
        number, unit = number[:-1], number[-1]
    if not number.isdigit() or int(number) == 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a size such as 64M or 2G")
    return int(number) * SIZE_UNITS[unit]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m threatmodel")
    parser.add_argument("--version", action="version", version=f"ciphermap {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="analyze a model file (any format it imports)")
    check.add_argument("file", type=Path)
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    check.add_argument(
        "--fail-on",
        choices=(*reversed(SEVERITIES), "none"),
        default="high",
        help="exit 1 when a finding reaches this severity (default: high)",
    )
    check.add_argument(
        "--today", type=date.fromisoformat, help="the 'as of' date (default: policy.today or now)"
    )
    check.add_argument(
        "--decisions",
        type=Path,
        help="a ciphermap-decisions/1 file: accepted and false-positive findings stop counting",
    )
    check.add_argument(
        "--introduced-only",
        action="store_true",
        help="for a Terraform plan: fail only on findings about resources the plan creates "
        "or changes",
    )
    check.add_argument(
        "--max-size",
        type=size,
        default=size(DEFAULT_MAX_SIZE),
        metavar="SIZE",
        help=f"refuse model files larger than this (default: {DEFAULT_MAX_SIZE})",
    )
    formats = [entry.id for entry in FORMATS if entry.supported]
    convert = commands.add_parser(
        "import",
        help="convert another tool's model to a Ciphermap document",
        description=f"FORMAT is one of {', '.join(formats)} or {AUTO} (the default: detected).",
    )
    convert.add_argument("source", nargs="+", metavar="[FORMAT] FILE")
    convert.add_argument(
        "-o",
        "--output",
        type=Path,
        help="where to write it (.json for JSON, else YAML; default: stdout)",
    )
    export = commands.add_parser(
        "export",
        help="write a model (any format it imports) as OTM, findings CSV/JSON/SARIF or its "
        "crypto inventory",
    )
    export.add_argument("export", choices=[e.id for e in EXPORTS], metavar="EXPORT")
    export.add_argument("file", type=Path)
    export.add_argument("-o", "--output", type=Path, help="where to write it (default: stdout)")
    export.add_argument(
        "--decisions", type=Path, help="a ciphermap-decisions/1 file: decisions to include"
    )
    export.add_argument(
        "--today", type=date.fromisoformat, help="the 'as of' date (default: policy.today or now)"
    )
    return parser


def _invalid(path: Path, error: ModelError, imported: Imported | None = None) -> int:
    """Exit 2 with the problems on stderr; a file that cannot be read at all gets one line."""
    if len(error.problems) == 1 and not error.problems[0].location:
        print(f"{path}: {error.problems[0].message}", file=sys.stderr)
        return EXIT_INVALID
    if imported is None or imported.native:
        what = "invalid model"
    else:
        what = f"the {imported.label} import made an invalid model"
    print(f"{path}: {what}", file=sys.stderr)
    for problem in error.problems:
        print(f"  {problem}", file=sys.stderr)
    return EXIT_INVALID


def check(args: argparse.Namespace) -> int:
    imported = None
    try:
        system = load(args.file, max_bytes=args.max_size)
    except ModelError as native_error:
        # Not a Ciphermap document: another tool's format, read by the importers. A
        # Ciphermap file takes the first branch, parsed once, its problems with lines.
        try:
            imported = read_model(args.file, max_bytes=args.max_size)
            if imported.native:
                return _invalid(args.file, native_error)
            system = load(imported.document)
        except ModelError as error:
            return _invalid(args.file, error, imported)
        print(f"{args.file}: read as {imported.label}", file=sys.stderr)
    decisions = None
    if args.decisions:
        decisions = _decisions(args.decisions)
        if decisions is None:
            return EXIT_INVALID
    if decisions and decisions.system != system.name:
        print(
            f"{args.decisions}: these decisions are for '{decisions.system}', "
            f"the model is '{system.name}'",
            file=sys.stderr,
        )
    policy = system.policy
    if args.today:
        policy = dataclasses.replace(policy, today=args.today)
    analysis = analyze(system, policy)
    plan = _plan_import(args.file) if imported and imported.format.id == "terraform" else None
    outcome = decisions.apply(analysis, policy.today or date.today()) if decisions else None
    if args.format == "json":
        document = outcome.annotate(analysis) if outcome else analysis.to_dict()
        print(json.dumps(document, indent=2, sort_keys=False))
    elif args.format == "sarif":
        from .formats.sarif import to_sarif

        sarif = to_sarif(analysis, system, args.file.as_posix(), __version__, outcome)
        if plan is not None:
            from .formats.terraform import sarif_with_addresses

            sarif = sarif_with_addresses(sarif, plan)
        print(json.dumps(sarif, indent=2))
    else:
        from .formats.text import to_text

        print(to_text(analysis, system.name, outcome), end="")
    for stale in outcome.stale if outcome and args.format != "text" else ():
        print(f"{args.decisions}: stale decision: {stale.describe()}", file=sys.stderr)
    if args.fail_on == "none":
        return EXIT_CLEAN
    threshold = rank(args.fail_on)
    counting = [f for f in analysis.findings if outcome is None or outcome.counts(f)]
    if plan is not None and args.introduced_only:
        counting = [f for f in counting if any(plan.introduced(s) for s in f.subject)]
    failing = any(rank(f.severity) >= threshold for f in counting)
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def _plan_import(path: Path) -> PlanImport:
    """The plan again, for the resource addresses behind each element (SARIF, gating)."""
    from .formats.terraform import import_plan

    return import_plan(path.read_bytes())


def _decisions(path: Path) -> DecisionSet | None:
    """The decisions file, or None when it is invalid (its problems on stderr)."""
    from .decisions import DecisionsError, load_decisions

    try:
        return load_decisions(path)
    except DecisionsError as error:
        print(f"{path}: invalid decisions file", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return None


def import_(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if len(args.source) > 2:
        parser.error("import takes [FORMAT] FILE")
    format_id, file = args.source if len(args.source) == 2 else (AUTO, args.source[0])
    known = [entry.id for entry in FORMATS if entry.supported]
    if format_id not in (*(entry.id for entry in FORMATS), AUTO):
        parser.error(f"unknown format {format_id!r}; choose from {', '.join(known)} or {AUTO}")
    path = Path(file)
    imported = None
    try:
        imported = read_model(path, format_id=None if format_id == AUTO else format_id)
        system = load(imported.document)
    except ModelError as error:
        return _invalid(path, error, imported)
    output = args.output
    text = dump(system, fmt="json" if output and output.suffix == ".json" else "yaml")
    if output is None or str(output) == "-":
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
    counts = f"{len(system.elements)} elements, {len(system.flows)} flows"
    where = f", wrote {output}" if output else ""
    print(f"{path}: read as {imported.label}: {counts}{where}", file=sys.stderr)
    return EXIT_CLEAN


def export(args: argparse.Namespace) -> int:
    """Write one of EXPORTS; the decisions file's entries ride along."""
    imported = None
    try:
        system = load(args.file)
    except ModelError as native_error:
        try:
            imported = read_model(args.file)
            if imported.native:
                return _invalid(args.file, native_error)
            system = load(imported.document)
        except ModelError as error:
            return _invalid(args.file, error, imported)
    decided = {}
    if args.decisions:
        decisions = _decisions(args.decisions)
        if decisions is None:
            return EXIT_INVALID
        decided = {d.fingerprint: d.to_dict() for d in decisions.decisions}
    if args.today:
        system = dataclasses.replace(
            system, policy=dataclasses.replace(system.policy, today=args.today)
        )
    chosen = find_export(args.export)
    assert chosen is not None  # argparse checked the choice
    text = chosen.render(system, analyze(system, system.policy), decided, args.file.as_posix())
    if args.output is None or str(args.output) == "-":
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
        print(f"{args.file}: wrote {chosen.name} to {args.output}", file=sys.stderr)
    return EXIT_CLEAN


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    # Loading the model and writing the findings allocate as many short-lived objects as
    # the analysis does: keep the cycle collector paused for the whole command (at 10,000
    # elements its scans of the growing heap cost about 10% of a check).
    with without_cycle_collection():
        if args.command == "import":
            return import_(args, parser)
        if args.command == "export":
            return export(args)
        return check(args)


if __name__ == "__main__":
    sys.exit(main())
