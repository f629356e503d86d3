"""The command line: ``python -m build_tools <command>``; fatal errors are caught in ``main()``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from build_tools import __version__
from build_tools.errors import BookError, ExitCode, UsageError
from build_tools.variants import table

ROOT_HELP = "project root holding conf.py, source/ and raw/ (default: current directory)"


def _variant_list(value: str) -> tuple[str, ...]:
    """``"zh-Hans zh-TW"`` or ``"zh-Hans,zh-TW"`` → validated edition names."""
    names = tuple(n for n in value.replace(",", " ").split() if n)
    try:
        return tuple(table.get(n).name for n in names)
    except KeyError as error:
        raise argparse.ArgumentTypeError(error.args[0]) from None


def _column(value: str) -> tuple[str, str]:
    """``"text=正文"`` → ``("text", "正文")``: the CSV/JSON column that holds a field."""
    from build_tools.importing.tables import COLUMN_ALIASES

    field, _, column = value.partition("=")
    field, column = field.strip(), column.strip()
    if field not in COLUMN_ALIASES or not column:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not FIELD=COLUMN with FIELD one of {', '.join(COLUMN_ALIASES)}"
        )
    return field, column


def _add_column_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--column",
        type=_column,
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="the CSV/JSON Lines column that holds a field, when its name is not one the "
        "importer knows (e.g. --column text=讲稿 --column title=名称); repeatable",
    )


def _add_import(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "import",
        help="import raw speech files into MyST files in source/",
        description="Import every raw file under RAW into source/speeches/. A MyST file is "
        "rewritten only when its raw input changed and nobody edited it by hand since.",
    )
    parser.add_argument("--raw", type=Path, default=Path("raw"), help="inbox of raw files")
    parser.add_argument("--source", type=Path, default=Path("source"), help="the book's source")
    parser.add_argument("--encoding", help="force this codec for every text file (e.g. gb18030)")
    _add_column_option(parser)
    parser.add_argument(
        "--force", action="store_true", help="overwrite hand-edited files (a backup is kept)"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 3 when some input was skipped, 1 when there were warnings (without it, "
        "skipped inputs are listed and the exit status is 0, so the book still builds)",
    )
    parser.add_argument(
        "--report",
        type=Path,
        default=Path("_build"),
        metavar="FOLDER",
        help="where the review table import-report.md/.csv goes (default: %(default)s)",
    )
    parser.add_argument(
        "--skipped",
        action="store_true",
        help="import nothing: list the inputs the last import skipped, with the reason "
        "(`make` prints this after the build)",
    )
    parser.add_argument(
        "--evaluate",
        type=Path,
        metavar="CORPUS",
        help="import nothing: measure field-by-field accuracy on a labelled corpus "
        "(a folder with expected.yml) and print the table",
    )
    parser.set_defaults(run=_run_import)


def _run_import(args: argparse.Namespace) -> int:
    from build_tools.importing.batch import import_collection

    if args.evaluate is not None:
        from build_tools.importing.evaluate import run_evaluation

        return run_evaluation(args.evaluate)
    if args.skipped:
        return _print_skipped(args.report, strict=args.strict)
    if not args.raw.is_dir():
        raise UsageError(f"no such folder: {args.raw} (pass --raw FOLDER)")
    report = import_collection(
        args.raw,
        args.source,
        force=args.force,
        encoding=args.encoding,
        mapping=dict(args.column) or None,
        progress=not args.no_progress and sys.stderr.isatty(),
        report_dir=args.report,
    )
    print(report.summary())
    code = ExitCode(report.exit_code)
    if not args.strict:
        return ExitCode.OK  # skipped inputs are listed; the book builds with the rest
    if code == ExitCode.OK and report.warnings:
        return ExitCode.WARNINGS
    return code


def _print_skipped(folder: Path, *, strict: bool) -> int:
    from build_tools.importing.review import MARKDOWN_NAME, read_skipped

    skipped = read_skipped(folder)
    if skipped is None:
        print(f"no import report in {folder}; run the import first")
        return ExitCode.OK
    if not skipped:
        print("import: no input was skipped")
        return ExitCode.OK
    print(f"import skipped {len(skipped)} input{'s' if len(skipped) != 1 else ''}:")
    for origin, reason in skipped:
        print(f"  {origin}: {reason}")
    print(f"(the review table is {folder / MARKDOWN_NAME})")
    return ExitCode.INPUT if strict else ExitCode.OK


def _add_convert(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "convert",
        help="convert one raw file to MyST on standard output",
        description="Read one raw file and print the MyST it imports to (one document per "
        "speech; a CSV or JSON Lines file may hold several). Nothing is written.",
    )
    parser.add_argument("file", type=Path, help="a raw speech file")
    parser.add_argument("--encoding", help="force this codec (e.g. gb18030, big5, utf-16)")
    _add_column_option(parser)
    parser.add_argument(
        "--json", action="store_true", help="print the parsed record(s) as JSON instead"
    )
    parser.set_defaults(run=_run_convert)


def _run_convert(args: argparse.Namespace) -> int:
    from build_tools.importing.pipeline import convert_raw, speech_to_json
    from build_tools.importing.read import read_path

    records = []
    failed = None
    raws = read_path(args.file, encoding=args.encoding, mapping=dict(args.column) or None)
    for raw in raws:
        try:
            records.append(convert_raw(raw))
        except BookError as error:
            if len(raws) == 1:
                raise
            print(error.format(), file=sys.stderr)  # one bad member or row: name it, go on
            failed = error
    if failed is not None and not records:
        raise failed
    if args.json:
        data = [speech_to_json(speech, myst) for speech, myst in records]
        json.dump(data[0] if len(data) == 1 else data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write("\n".join(myst for _, myst in records))
    return ExitCode(failed.exit_code) if failed is not None else ExitCode.OK


def _add_build(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "build",
        help="build the HTML site and EPUBs of each edition",
        description="Build source/ with Sphinx once per edition into _build/site/<edition>/, "
        "the EPUBs into _build/site/downloads/, and the landing page _build/site/index.html.",
    )
    parser.add_argument(
        "--variant",
        dest="variants",
        type=_variant_list,
        default=table.DEFAULT_VARIANTS,
        help="editions to build, space- or comma-separated (default: %(default)s); known: "
        + ", ".join(v.name for v in table.VARIANTS),
    )
    parser.add_argument(
        "--builder",
        dest="builders",
        type=_builder_list,
        default="all",
        help="what to build: html, epub, pdf or all, or several comma-separated "
        "(html,epub); default: all",
    )
    parser.add_argument("-j", "--jobs", type=int, default=0, help="parallel editions (0: cores)")
    parser.add_argument(
        "--strict", action="store_true", help="turn warnings into errors (sphinx -W --keep-going)"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--sphinx-opts", default=os.environ.get("SPHINXOPTS", ""), help="extra sphinx-build options"
    )
    parser.set_defaults(run=_run_build)


BUILDERS = ("html", "epub", "pdf", "all")


def _builder_list(value: str) -> frozenset[str]:
    """``html,epub`` → {"html", "epub"}; an unknown name is a usage error."""
    names = frozenset(v.strip() for v in value.split(",") if v.strip())
    unknown = names - set(BUILDERS)
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown builder {', '.join(map(repr, sorted(unknown) or [value]))}; "
            f"known: {', '.join(BUILDERS)}"
        )
    return names


def _run_build(args: argparse.Namespace) -> int:
    from build_tools.publish.build import BuildPlan, build

    plan = BuildPlan(
        root=args.root.resolve(),
        variants=tuple(table.get(n) for n in args.variants),
        html=bool({"html", "all"} & args.builders),
        epub=bool({"epub", "all"} & args.builders),
        pdf=bool({"pdf", "all"} & args.builders),
        jobs=args.jobs or os.cpu_count() or 1,
        strict=args.strict,
        sphinx_opts=tuple(args.sphinx_opts.split()),
        progress=not args.no_progress and sys.stderr.isatty(),
    )
    report = build(plan)
    print(report.summary())
    return report.exit_code


def _add_variant_commands(commands: argparse._SubParsersAction) -> None:
    from build_tools.variants import commands as variant_commands

    variant_commands.add_variant_parser(commands)
    variant_commands.add_report_parser(commands)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m build_tools",
        description="Publish a collection of Chinese speeches as an HTML book and EPUBs.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--root", type=Path, default=Path("."), help=ROOT_HELP)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    _add_import(commands)
    _add_convert(commands)
    _add_build(commands)
    _add_variant_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        args.root = args.root.resolve()
        os.chdir(args.root)
        return int(args.run(args))
    except BookError as error:
        print(error.format(), file=sys.stderr)
        return int(error.exit_code)
    except BrokenPipeError:
        # The reader of our output went away (``convert … | head``): not an error of ours.
        sys.stderr.close()
        return ExitCode.OK
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
