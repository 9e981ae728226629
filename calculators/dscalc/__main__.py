"""Command line: ``python -m dscalc list``, ``python -m dscalc run ID [--json …] [--config …]`` and
``python -m dscalc --version``.

Every failure prints one JSON object ``{"error": {"field", "message"}}`` and exits 2 (bad input)
— never a traceback or a usage text — so scripts can rely on the output being JSON. When the
output itself cannot be written (stdout closed, a pipe whose reader has gone), the command
exits 1 with one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys

from . import __version__, run
from .framework.errors import ValidationError
from .framework.schema import MAX_CONFIG_CHARS
from .web import catalogue

EXIT_INVALID = 2
EXIT_NO_OUTPUT = 1


class _OutputClosed(Exception):
    """stdout is closed or its reader has gone."""


class _ArgumentError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting."""

    def error(self, message: str) -> None:  # noqa: D401 - argparse's hook
        raise _ArgumentError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m dscalc", description=__doc__)
    parser.add_argument("--version", action="store_true", help="print the package version as JSON")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    listing = commands.add_parser("list", help="print the calculators as a JSON array")
    listing.add_argument("--lang", default="en", help="ja or en")
    running = commands.add_parser("run", help="run one calculator and print its outputs as JSON")
    running.add_argument("id")
    running.add_argument("--json", dest="inputs_json", default=None,
                         help='inputs as a JSON object, e.g. \'{"context_length": 4096}\'')
    running.add_argument("--config", default=None,
                         help="path to a Hugging Face config.json, read into the input 'config'")
    running.add_argument("--lang", default="en", help="language of error messages: ja or en")
    return parser


def _open_regular_file(path: str) -> int:
    """A descriptor for ``path`` if it is a regular file; ``ValidationError`` otherwise.

    Opened without blocking, so a named pipe (FIFO) with no writer is refused at once instead of
    waiting forever for one; devices (``/dev/zero``), pipes and directories are refused too.
    """
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise ValidationError("config", "--config には通常のファイルを指定してください（パイプ、デバイス、ディレクトリは読みません）。",
                              "--config takes a regular file (not a pipe, a device or a directory).")
    return descriptor


def _read_config(path: str) -> str:
    try:
        descriptor = _open_regular_file(path)
        with open(descriptor, encoding="utf-8") as handle:
            text = handle.read(MAX_CONFIG_CHARS + 1)  # never more than the limit
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError("config", f"ファイルを読めません: {exc}",
                              f"Cannot read the file: {exc}") from None
    if len(text) > MAX_CONFIG_CHARS:
        raise ValidationError("config", "config.json が大きすぎます。", "That config.json is too large.")
    if not text.strip():
        # An empty file is a mistake, not "use the preset".
        raise ValidationError("config", "config.json のファイルが空です。", "The config.json file is empty.")
    return text


def _read_inputs(args: argparse.Namespace) -> dict:
    inputs = {}
    if args.inputs_json is not None:
        try:
            inputs = json.loads(args.inputs_json)
        except (ValueError, RecursionError):
            raise ValidationError("--json", "--json の値が JSON として読めません。",
                                  "The --json value is not valid JSON.") from None
        if not isinstance(inputs, dict):
            raise ValidationError("--json", "--json には JSON オブジェクトを渡してください。",
                                  "--json takes a JSON object.")
    if args.config is not None:
        inputs["config"] = _read_config(args.config)
    return inputs


def _print(value) -> None:
    text = json.dumps(value, ensure_ascii=False, indent=2) + "\n"
    if sys.stdout is None:  # started with stdout closed (``>&-``)
        raise _OutputClosed
    try:
        # A lone surrogate (from a mangled argument) becomes a \udcxx escape, which is still
        # JSON, instead of crashing the encoder.
        sys.stdout.buffer.write(text.encode("utf-8", "backslashreplace"))
        sys.stdout.flush()
    except (BrokenPipeError, ValueError, OSError):  # ValueError: a closed file object
        # Point stdout at /dev/null so the interpreter's own flush at exit finds nowhere to fail.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        raise _OutputClosed from None


def _say_output_closed() -> int:
    if sys.stderr is not None:
        try:
            sys.stderr.write("dscalc: cannot write the output (stdout is closed)\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
    return EXIT_NO_OUTPUT


def _lang(value: str) -> str:
    if value not in ("ja", "en"):
        raise ValidationError("--lang", "--lang は ja か en です。", "--lang is ja or en.")
    return value


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except _OutputClosed:
        return _say_output_closed()


def _main(argv: list[str] | None) -> int:
    lang = "en"
    try:
        args = _parser().parse_args(argv)
        if args.version:
            _print({"name": "dscalc", "version": __version__})
            return 0
        if args.command is None:
            raise _ArgumentError("a command is required: list or run (or --version)")
        lang = _lang(args.lang)
        if args.command == "list":
            _print(catalogue(lang))
            return 0
        _print(run(args.id, _read_inputs(args)))
        return 0
    except _ArgumentError as exc:
        _print({"error": {"field": "arguments", "message": str(exc)}})
        return EXIT_INVALID
    except ValidationError as exc:
        _print({"error": exc.to_dict(lang)})
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
