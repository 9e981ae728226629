"""Model presets shared by every config-driven calculator.

A calculator that reads a Hugging Face ``config.json`` takes two inputs: ``model`` (a preset
from ``data/models``, or ``custom``) and ``config`` (a pasted config). The rule is the same
everywhere: **a pasted config wins over the preset choice**; with no pasted config the preset's
config is used; ``custom`` without a pasted config means "no config" (the calculator then asks
for the values it needs).
"""

from __future__ import annotations

from . import data
from .schema import Choice, Field, Text

CUSTOM = "custom"
DEFAULT_MODEL = "deepseek-v3"

CUSTOM_CHOICE = Choice(CUSTOM, Text("貼り付けた config.json / 個別の値",
                                    "Pasted config.json / individual values"))


def model_choices(extra: tuple[Choice, ...] = ()) -> tuple[Choice, ...]:
    """Every model record that carries a config, then ``extra``, then ``custom``."""
    presets = tuple(Choice(record["id"], Text(record["name"], record["name"]))
                    for record in data.models().values() if "config" in record)
    return presets + tuple(extra) + (CUSTOM_CHOICE,)


def resolve_config(model: str, config: dict | None) -> tuple[dict, str]:
    """The config to use and where it came from (a URL, ``"config.json"`` or ``""``).

    A pasted config takes precedence over the preset choice. ``custom`` (or any choice that is
    not a model record, such as the memory calculator's ``params``) without a pasted config
    gives an empty config.
    """
    if config is not None:
        return config, "config.json"
    record = data.models().get(model)
    if record is None or "config" not in record:
        return {}, ""
    return record["config"], record["source_url"]


def model_name(model: str, config: dict | None) -> str:
    """What to call the model in results: the pasted config's name, or the preset's name."""
    if config is not None:
        return str(config.get("_name_or_path") or config.get("model_type") or "config.json")[:80]
    record = data.models().get(model)
    if record is None:
        return "—"
    return record["name"]


def model_field(extra: tuple[Choice, ...] = (), default: str = DEFAULT_MODEL) -> Field:
    """The ``model`` input: presets (plus ``extra``) and ``custom``."""
    return Field("model", "choice", Text("モデル", "Model"), default=default,
                 choices=model_choices(extra),
                 help=Text("公式 config.json のプリセット。config.json を貼り付けるとそちらが優先されます。",
                           "Presets from official config.json files. A pasted config.json wins."))


def config_field() -> Field:
    """The optional ``config`` input (a pasted Hugging Face ``config.json``)."""
    return Field("config", "config", Text("config.json（任意）", "config.json (optional)"),
                 optional=True,
                 help=Text("Hugging Face の config.json をそのまま貼り付けてください。",
                           "Paste a Hugging Face config.json as it is."))
