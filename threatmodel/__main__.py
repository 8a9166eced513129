"""python -m threatmodel check FILE [--format text|json|sarif] [--fail-on SEVERITY]."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from datetime import date
from pathlib import Path

from . import ModelError, __version__, analyze, load
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
    policy = system.policy
    if args.today:
        policy = dataclasses.replace(policy, today=args.today)
    analysis = analyze(system, policy)
    if args.format == "json":
        print(json.dumps(analysis.to_dict(), indent=2, sort_keys=False))
    elif args.format == "sarif":
        sarif = to_sarif(analysis, system, args.file.as_posix(), __version__)
        print(json.dumps(sarif, indent=2))
    else:
        print(to_text(analysis, system.name), end="")
    if args.fail_on == "none":
        return EXIT_CLEAN
    threshold = rank(args.fail_on)
    failing = any(rank(f.severity) >= threshold for f in analysis.findings)
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return check(args)


if __name__ == "__main__":
    sys.exit(main())
