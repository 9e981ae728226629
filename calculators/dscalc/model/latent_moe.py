"""Nemotron-H's MoE block (``E`` in ``hybrid_override_pattern``, ``moe`` in
``layers_block_type``), with Nemotron 3's latent projection, as transformers 5.24 builds it
(``models/nemotron_h``, ``NemotronHMoE``):

- a router of ``E × d`` weights (sigmoid scores, grouped top-k) and an ``E``-long score
  correction bias (a buffer stored in the checkpoint, counted as for DeepSeek-V3);
- ``E`` routed experts without a gate (ReLU²): ``up`` ``I × d_in`` and ``down`` ``d_in × I``,
  where ``d_in`` is ``moe_latent_size`` when given, else the model width ``d``;
- with ``moe_latent_size``, a ``d × d_in`` projection into the latent space before the experts
  and a ``d_in × d`` projection back (biases with ``mlp_bias``): the experts run in the latent
  space, so each is ``d / d_in`` times smaller;
- one shared expert, a plain MLP of ``moe_shared_expert_intermediate_size`` on the full width.

An ``E`` layer keeps no cache.
"""

from __future__ import annotations

from .config_keys import MAX_EXPERTS, bad_key, get_bool, get_int


def moe_block_params(config: dict, hidden: int) -> dict[str, int]:
    """One ``E`` layer's parameters by ``ParamCounts`` field (its norm is counted by the caller)."""
    experts = get_int(config, "n_routed_experts", maximum=MAX_EXPERTS)
    top_k = get_int(config, "num_experts_per_tok", maximum=MAX_EXPERTS)
    if top_k > experts:
        raise bad_key("num_experts_per_tok", "n_routed_experts 以下である必要があります。",
                      "it cannot exceed n_routed_experts.")
    groups = get_int(config, "n_group", default=1, maximum=MAX_EXPERTS)
    if experts % groups:
        raise bad_key("n_group", "n_routed_experts を割り切れる数である必要があります。",
                      "it must divide n_routed_experts.")
    width = get_int(config, "moe_intermediate_size")
    latent = get_int(config, "moe_latent_size", default=None)
    inner = latent or hidden
    bias = get_bool(config, "mlp_bias", False)
    shared = get_int(config, "moe_shared_expert_intermediate_size", default=7688)
    expert = 2 * width * inner
    projections = 2 * hidden * latent + ((latent + hidden) if bias else 0) if latent else 0
    return {"routed_experts": experts * expert, "active_routed_experts": top_k * expert,
            "router": experts * hidden + experts,
            "shared_experts": 2 * hidden * shared + ((shared + hidden) if bias else 0),
            "dense_mlp": projections}
