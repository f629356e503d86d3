"""The ``variant`` and ``variants-report`` commands, for ``build_tools/cli.py`` to mount.

python -m build_tools variant --to zh-TW < speech.md > speech.zh-TW.md
python -m build_tools variants-report --variant zh-Hant --source source
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from build_tools.errors import ExitCode, InputError, UsageError
from build_tools.variants import table
from build_tools.variants.ambiguity_report import ambiguity_report, format_report
from build_tools.variants.backend import backend_notice
from build_tools.variants.convert import convert_myst, convert_text
from build_tools.variants.dictionary import load_dictionary, project_dictionary

NOT_UTF8 = (
    "standard input is not UTF-8 text ({error}); convert the file first, e.g. "
    "iconv -f GB18030 -t UTF-8, or import it with `python -m build_tools import`"
)
NO_SOURCE = "no folder {path}: pass --source with the folder that holds the MyST files"


def _edition(name: str) -> str:
    try:
        return table.get(name).name
    except KeyError as error:
        raise argparse.ArgumentTypeError(str(error.args[0])) from None


def _add_dictionary_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dictionary",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="another user dictionary, read after the built-in one and "
        "<source>/_data/variants-dictionary.txt (may be repeated)",
    )
    parser.add_argument(
        "--no-corner-quotes",
        dest="corner_quotes",
        action="store_false",
        help="leave quotation marks as they are (zh-TW and zh-HK use 「」『』 by default)",
    )


def add_variant_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """``variant --to EDITION``: MyST on standard input, converted, on standard output."""
    known = ", ".join(v.name for v in table.VARIANTS)
    parser = subparsers.add_parser(
        "variant",
        help="convert MyST on standard input to one edition's script",
        description="Read a MyST document on standard input and write it in the script of one "
        "edition: only text changes, markup stays byte-identical. The front matter's "
        "script: says what the input is written in.",
    )
    parser.add_argument(
        "--to", required=True, type=_edition, metavar="EDITION", help=f"one of: {known}"
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="the input is plain text, not MyST (its script given by --script)",
    )
    parser.add_argument(
        "--script", default="hans", choices=table.SCRIPTS, help="with --plain (default: hans)"
    )
    parser.add_argument(
        "--source",
        type=Path,
        default=Path("source"),
        help="the Sphinx source folder whose _data/variants-dictionary.txt applies "
        "(default: source)",
    )
    _add_dictionary_options(parser)
    parser.set_defaults(run=run_variant)
    return parser


def _dictionary(args: argparse.Namespace):
    words = project_dictionary(args.source)
    for path in args.dictionary:
        if not path.is_file():
            raise UsageError(f"no dictionary file {path}")
        words = words + load_dictionary(path)
    return words


def run_variant(args: argparse.Namespace) -> int:
    """Convert standard input; the exit code is 0, or a BookError is raised."""
    notice = backend_notice()
    if notice:
        print(f"WARNING: {notice} [book.variants.backend]", file=sys.stderr)
    data = sys.stdin.buffer.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(NOT_UTF8.format(error=error), path="<stdin>") from None
    variant = table.get(args.to)
    words = _dictionary(args)
    if args.plain:
        out = convert_text(
            text, variant, script=args.script, corner_quotes=args.corner_quotes, dictionary=words
        )
    else:
        out = convert_myst(text, variant, corner_quotes=args.corner_quotes, dictionary=words)
    sys.stdout.buffer.write(out.encode("utf-8"))
    sys.stdout.flush()
    return ExitCode.OK


def add_report_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """``variants-report [--variant X]… [--source DIR] [--chars 后发] [--output FILE]``."""
    parser = subparsers.add_parser(
        "variants-report",
        help="list every converted one-to-many character (后 发 干 面 …) for review",
        description="For each edition, list every place in the text of the MyST files where a "
        "character with more than one possible conversion was converted, with its context "
        "before and after, so an editor can check them.",
    )
    parser.add_argument(
        "--variant",
        dest="variants",
        action="append",
        type=_edition,
        metavar="EDITION",
        help="edition to report on (may be repeated; default: "
        + " ".join(table.DEFAULT_VARIANTS)
        + ")",
    )
    parser.add_argument("--source", type=Path, default=Path("source"), help="default: source")
    parser.add_argument("--chars", default=None, help="only these characters, e.g. 后发干")
    parser.add_argument(
        "--markdown", action="store_true", help="write a MyST page instead of plain text"
    )
    parser.add_argument("--output", type=Path, help="write the report here, not to stdout")
    _add_dictionary_options(parser)
    parser.set_defaults(run=run_report)
    return parser


def run_report(args: argparse.Namespace) -> int:
    """Print (or write) the report for each edition asked for."""
    if not args.source.is_dir():
        raise UsageError(NO_SOURCE.format(path=args.source))
    notice = backend_notice()
    if notice:
        print(f"WARNING: {notice} [book.variants.backend]", file=sys.stderr)
    words = _dictionary(args)
    parts = []
    for name in args.variants or table.DEFAULT_VARIANTS:
        variant = table.get(name)
        found = ambiguity_report(
            args.source, variant, dictionary=words, corner_quotes=args.corner_quotes,
            only=args.chars,
        )  # fmt: skip
        parts.append(format_report(found, variant, markdown=args.markdown))
    report = "\n".join(parts)
    if args.output is None:
        sys.stdout.write(report)
        return ExitCode.OK
    args.output.parent.mkdir(parents=True, exist_ok=True)
    if not args.output.is_file() or args.output.read_text(encoding="utf-8") != report:
        args.output.write_text(report, encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    return ExitCode.OK
