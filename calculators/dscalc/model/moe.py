"""The mixture-of-experts layout a config describes (DeepSeek, Qwen, Mixtral, gpt-oss or
Llama 4 style)."""

from __future__ import annotations

from dataclasses import dataclass

from .config_keys import MAX_EXPERTS, MAX_LAYERS, bad_key, get_int, layer_list, model_type
from .layout import LLAMA4_TYPES


@dataclass(frozen=True)
class Moe:
    """The MoE layout: ``style`` is ``"deepseek"``, ``"qwen"``, ``"mixtral"``, ``"gpt_oss"`` or
    ``"llama4"``; sizes are the intermediate widths of one routed expert and of all shared
    experts together. ``expert_bias``: every expert's projections have biases (gpt-oss);
    ``moe_layers``: the layers that are MoE when the family lists them (Llama 4)."""

    style: str
    num_experts: int
    top_k: int
    expert_intermediate: int
    shared_intermediate: int = 0
    shared_gate: bool = False
    router_bias: bool = False
    first_dense: int = 0
    layer_freq: int = 1
    sparse_step: int = 1
    dense_layers: frozenset = frozenset()
    expert_bias: bool = False
    moe_layers: frozenset | None = None

    def is_moe_layer(self, index: int) -> bool:
        if self.moe_layers is not None:
            return index in self.moe_layers
        if self.style == "deepseek":
            return index >= self.first_dense and index % self.layer_freq == 0
        if self.style == "qwen":
            return index not in self.dense_layers and (index + 1) % self.sparse_step == 0
        return True


MOE_STYLE_NAMES = {"deepseek": "DeepSeek", "qwen": "Qwen", "mixtral": "Mixtral",
                   "gpt_oss": "gpt-oss", "llama4": "Llama 4"}


def read_moe(config: dict) -> Moe | None:
    """The MoE layout from its keys, or ``None`` for a dense model."""
    styles = {key: get_int(config, key, default=None, minimum=0, maximum=MAX_EXPERTS)
              for key in ("n_routed_experts", "num_experts", "num_local_experts")}
    present = [key for key, value in styles.items() if value]
    if len(present) > 1:
        raise bad_key(present[1], f"「{present[0]}」と同時には使えません。",
                      f"it cannot be combined with “{present[0]}”.")
    if not present:
        if get_int(config, "num_experts_per_tok", default=None, minimum=0):
            raise bad_key("num_experts_per_tok",
                          "エキスパート数のキー（n_routed_experts / num_experts / "
                          "num_local_experts）がありません。",
                          "there is no expert count (n_routed_experts, num_experts or "
                          "num_local_experts).")
        return None
    key = present[0]
    num_experts = styles[key]
    top_k = get_int(config, "num_experts_per_tok", maximum=MAX_EXPERTS)
    if top_k > num_experts:
        raise bad_key("num_experts_per_tok", f"{key} 以下である必要があります。",
                      f"it cannot exceed {key}.")
    if key == "n_routed_experts":
        shared = get_int(config, "n_shared_experts", default=0, minimum=0, maximum=MAX_EXPERTS)
        expert = get_int(config, "moe_intermediate_size")
        topk_method = config.get("topk_method")
        router_bias = topk_method == "noaux_tc" or (
            topk_method is None and model_type(config) in ("deepseek_v3", "deepseek_v32"))
        return Moe("deepseek", num_experts, top_k, expert, shared_intermediate=shared * expert,
                   router_bias=router_bias,
                   first_dense=get_int(config, "first_k_dense_replace", default=0, minimum=0,
                                       maximum=MAX_LAYERS),
                   layer_freq=get_int(config, "moe_layer_freq", default=1, maximum=MAX_LAYERS))
    if key == "num_experts":
        # Qwen2-MoE always has a shared expert, so its size is required (``...``); elsewhere
        # (Qwen3-MoE) no key means no shared expert.
        shared_default = ... if model_type(config) == "qwen2_moe" else 0
        shared = get_int(config, "shared_expert_intermediate_size", default=shared_default,
                         minimum=0)
        return Moe("qwen", num_experts, top_k, get_int(config, "moe_intermediate_size"),
                   shared_intermediate=shared, shared_gate=shared > 0,
                   sparse_step=get_int(config, "decoder_sparse_step", default=1,
                                       maximum=MAX_LAYERS),
                   dense_layers=layer_list(config, "mlp_only_layers"))
    kind = model_type(config)
    if kind == "gpt_oss":
        # transformers GptOssExperts: gate_up (d × 2I) and down (I × d) with biases; the router
        # (GptOssTopKRouter) has a bias per expert.
        return Moe("gpt_oss", num_experts, top_k, get_int(config, "intermediate_size"),
                   router_bias=True, expert_bias=True)
    if kind in LLAMA4_TYPES:
        # transformers Llama4TextMoe: routed experts and one shared expert of intermediate_size;
        # the other layers are dense MLPs of intermediate_size_mlp.
        expert = get_int(config, "intermediate_size")
        listed = config.get("moe_layers")
        if listed is None:
            step = get_int(config, "interleave_moe_layer_step", default=1, maximum=MAX_LAYERS)
            layers = get_int(config, "num_hidden_layers", maximum=MAX_LAYERS)
            listed = list(range(step - 1, layers, step))
        else:
            listed = sorted(layer_list(config, "moe_layers"))
        return Moe("llama4", num_experts, top_k, expert, shared_intermediate=expert,
                   moe_layers=frozenset(listed))
    return Moe("mixtral", num_experts, top_k, get_int(config, "intermediate_size"))
