"""Reading Hugging Face ``config.json`` objects: typed look-ups with errors that name the key.

Multimodal configs keep the language model under ``text_config``; ``language_model_config``
returns that part so the calculators see the decoder they are sizing.
"""

from __future__ import annotations

from typing import Any

from .errors import ValidationError

#: Input name used in error messages when a config is at fault.
CONFIG_FIELD = "config"


def language_model_config(config: dict) -> dict:
    nested = config.get("text_config")
    if "num_hidden_layers" not in config and isinstance(nested, dict):
        merged = dict(nested)
        merged.setdefault("model_type", config.get("model_type"))
        return merged
    return config


def missing_key(key: str) -> ValidationError:
    return ValidationError(CONFIG_FIELD, f"config.json に「{key}」がありません。",
                           f"The config.json has no “{key}”.")


def bad_key(key: str, ja_reason: str, en_reason: str) -> ValidationError:
    return ValidationError(CONFIG_FIELD, f"config.json の「{key}」が不正です: {ja_reason}",
                           f"The config.json’s “{key}” is invalid: {en_reason}")


def get_int(config: dict, key: str, *, default: Any = ..., minimum: int = 1,
            maximum: int = 10**9) -> int | None:
    """An integer from the config. ``default=...`` makes the key required.

    A key present with value ``null`` counts as absent (HF writes ``"q_lora_rank": null``).
    """
    value = config.get(key)
    if value is None:
        if default is ...:
            raise missing_key(key)
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise bad_key(key, "整数ではありません。", "it is not a whole number.")
    if isinstance(value, float):
        if not value.is_integer():
            raise bad_key(key, "整数ではありません。", "it is not a whole number.")
        value = int(value)
    if not minimum <= value <= maximum:
        raise bad_key(key, f"{minimum:,} 以上 {maximum:,} 以下である必要があります。",
                      f"it must be between {minimum:,} and {maximum:,}.")
    return value


def get_bool(config: dict, key: str, default: bool) -> bool:
    value = config.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise bad_key(key, "true か false である必要があります。", "it must be true or false.")
    return value
