"""Command line: ``python -m dscalc list`` and ``python -m dscalc run ID [--json …]``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import calculators, run
from .errors import ValidationError

EXIT_INVALID = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dscalc", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="print the calculators as a JSON array")
    listing.add_argument("--lang", choices=("ja", "en"), default="en")
    running = commands.add_parser("run", help="run one calculator and print its outputs as JSON")
    running.add_argument("id")
    running.add_argument("--json", dest="inputs_json", default=None,
                         help='inputs as a JSON object, e.g. \'{"context_length": 4096}\'')
    running.add_argument("--config", default=None,
                         help="path to a Hugging Face config.json, read into the input 'config'")
    running.add_argument("--lang", choices=("ja", "en"), default="en",
                         help="language of error messages")
    return parser


def _list(lang: str) -> dict | list:
    return [{"id": calc.id, "title": calc.title.get(lang), "summary": calc.summary.get(lang),
             "inputs": [spec.name for spec in calc.inputs],
             "outputs": [spec.name for spec in calc.outputs]} for calc in calculators()]


def _read_inputs(args: argparse.Namespace) -> dict:
    inputs = {}
    if args.inputs_json is not None:
        try:
            inputs = json.loads(args.inputs_json)
        except ValueError:
            raise ValidationError("--json", "--json の値が JSON として読めません。",
                                  "The --json value is not valid JSON.") from None
        if not isinstance(inputs, dict):
            raise ValidationError("--json", "--json には JSON オブジェクトを渡してください。",
                                  "--json takes a JSON object.")
    if args.config is not None:
        try:
            inputs["config"] = Path(args.config).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValidationError("config", f"ファイルを読めません: {exc}",
                                  f"Cannot read the file: {exc}") from None
    return inputs


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "list":
        print(json.dumps(_list(args.lang), ensure_ascii=False, indent=2))
        return 0
    try:
        outputs = run(args.id, _read_inputs(args))
    except ValidationError as exc:
        print(json.dumps({"error": exc.to_dict(args.lang)}, ensure_ascii=False))
        return EXIT_INVALID
    print(json.dumps(outputs, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
