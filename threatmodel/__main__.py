"""python -m threatmodel check FILE [--format text|json|sarif] [--fail-on SEVERITY]
[--decisions FILE]."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from datetime import date
from pathlib import Path

from . import ModelError, __version__, analyze, load
from .decisions import DecisionsError, load_decisions
from .formats.sarif import to_sarif
from .formats.text import to_text
from .model import SEVERITIES
from .scoring import rank

EXIT_CLEAN, EXIT_FINDINGS, EXIT_INVALID = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m threatmodel")
    parser.add_argument("--version", action="version", version=f"ciphermap {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="analyze a model file")
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
    return parser


def check(args: argparse.Namespace) -> int:
    try:
        system = load(args.file)
    except ModelError as error:
        print(f"{args.file}: invalid model", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_INVALID
    except OSError as error:
        print(f"{args.file}: {error.strerror or error}", file=sys.stderr)
        return EXIT_INVALID
    decisions = None
    if args.decisions:
        try:
            decisions = load_decisions(args.decisions)
        except DecisionsError as error:
            print(f"{args.decisions}: invalid decisions file", file=sys.stderr)
            for problem in error.problems:
                print(f"  {problem}", file=sys.stderr)
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
    outcome = decisions.apply(analysis, policy.today or date.today()) if decisions else None
    if args.format == "json":
        document = outcome.annotate(analysis) if outcome else analysis.to_dict()
        print(json.dumps(document, indent=2, sort_keys=False))
    elif args.format == "sarif":
        sarif = to_sarif(analysis, system, args.file.as_posix(), __version__, outcome)
        print(json.dumps(sarif, indent=2))
    else:
        print(to_text(analysis, system.name, outcome), end="")
    for stale in outcome.stale if outcome and args.format != "text" else ():
        print(f"{args.decisions}: stale decision: {stale.describe()}", file=sys.stderr)
    if args.fail_on == "none":
        return EXIT_CLEAN
    threshold = rank(args.fail_on)
    counting = [f for f in analysis.findings if outcome is None or outcome.counts(f)]
    failing = any(rank(f.severity) >= threshold for f in counting)
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return check(args)


if __name__ == "__main__":
    sys.exit(main())
