"""Typed look-ups in a Hugging Face ``config.json``, whose errors name the key, and the
limits every reader checks. Multimodal configs keep the language model under
``text_config``: ``language_model_config`` returns that part."""

from __future__ import annotations

from typing import Any

from ..framework.errors import ValidationError


#: Input name used in error messages when a config is at fault.
CONFIG_FIELD = "config"

MAX_DIM = 10_000_000
MAX_LAYERS = 100_000
MAX_HEADS = 100_000
MAX_EXPERTS = 1_000_000


#: Keys a multimodal config keeps at its top level that describe its language model too.
INHERITED_KEYS = ("model_type", "tie_word_embeddings", "torch_dtype", "dtype")


def language_model_config(config: dict) -> dict:
    """The language model's part of a config: ``text_config`` of a multimodal config (with the
    top-level keys it inherits), or the config itself."""
    nested = config.get("text_config")
    if "num_hidden_layers" not in config and isinstance(nested, dict):
        merged = dict(nested)
        for key in INHERITED_KEYS:
            if merged.get(key) is None and config.get(key) is not None:
                merged[key] = config[key]
        return merged
    return config


def missing_key(key: str) -> ValidationError:
    return ValidationError(CONFIG_FIELD, f"config.json に「{key}」がありません。",
                           f"The config.json has no “{key}”.")


def bad_key(key: str, ja_reason: str, en_reason: str) -> ValidationError:
    return ValidationError(CONFIG_FIELD, f"config.json の「{key}」が不正です: {ja_reason}",
                           f"The config.json’s “{key}” is invalid: {en_reason}")


def get_int(config: dict, key: str, *, default: Any = ..., minimum: int = 1,
            maximum: int = MAX_DIM) -> int | None:
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


def model_type(config: dict) -> str | None:
    value = config.get("model_type")
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_key("model_type", "文字列である必要があります。", "it must be a string.")
    return value


def layer_list(config: dict, key: str) -> frozenset:
    value = config.get(key)
    if value is None:
        return frozenset()
    if not isinstance(value, list) or any(isinstance(item, bool) or not isinstance(item, int)
                                          for item in value):
        raise bad_key(key, "層番号（整数）のリストである必要があります。",
                      "it must be a list of layer numbers.")
    return frozenset(value)


def merged_config(config: dict, overrides: dict | None) -> dict:
    """The language model's config with ``overrides`` (same key names; ``None`` ignored) applied."""
    merged = dict(language_model_config(config))
    for key, value in (overrides or {}).items():
        if value is not None:
            merged[key] = value
    return merged
