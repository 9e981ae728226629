"""Oracle: our MoE routing against Hugging Face transformers' DeepSeek-V3 router.

``DeepseekV3TopkRouter`` (transformers.models.deepseek_v3.modeling_deepseek_v3) is the gate the
``DeepseekV3MoE`` block calls. We build it from a tiny ``DeepseekV3Config`` in code (nothing is
downloaded), make its weight the identity so that its logits are exactly the ones we choose, set
its ``e_score_correction_bias`` to our biases, and compare the chosen experts and gate weights
with ``dscalc`` for many random tokens. Skipped where torch or transformers is not installed, except under ``make test``
(``DSCALC_REQUIRE_ORACLES=1``), where a missing oracle fails.
"""

import random
import struct

import pytest
from reference import oracle

torch = oracle("torch")
transformers = oracle("transformers")
from transformers import DeepseekV3Config  # noqa: E402
from transformers.models.deepseek_v3.modeling_deepseek_v3 import (  # noqa: E402
    DeepseekV3MoE,
    DeepseekV3TopkRouter,
)

import dscalc  # noqa: E402
from dscalc.calcs import moe_routing  # noqa: E402

#: The router works in float32; decisions closer than this are left out of the comparison,
#: since float32 and our float64 may order such near-ties differently.
MARGIN = 1e-5


def f32(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]


def make_router(num_experts, num_groups, topk_groups, top_k, scale, biases):
    config = DeepseekV3Config(
        hidden_size=num_experts, n_routed_experts=num_experts, n_group=num_groups,
        topk_group=topk_groups, num_experts_per_tok=top_k, routed_scaling_factor=scale,
        norm_topk_prob=True, intermediate_size=8, moe_intermediate_size=8, n_shared_experts=1,
        num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=2, vocab_size=32)
    assert isinstance(DeepseekV3MoE(config).gate, DeepseekV3TopkRouter)
    router = DeepseekV3TopkRouter(config)
    with torch.no_grad():
        router.weight.copy_(torch.eye(num_experts))  # logits = hidden state, exactly
        router.e_score_correction_bias.copy_(torch.tensor(biases, dtype=torch.float32))
    return router


def clear_cut(routing) -> bool:
    size = routing.experts_per_group
    kept = set(routing.kept_groups)
    dropped = [score for g, score in enumerate(routing.group_scores) if g not in kept]
    if dropped and min(routing.group_scores[g] for g in kept) - max(dropped) < MARGIN:
        return False
    chosen = set(routing.selected_experts)
    rest = [routing.biased_scores[i] for i in range(len(routing.logits))
            if i // size in kept and i not in chosen]
    return not rest or min(routing.biased_scores[i] for i in chosen) - max(rest) >= MARGIN


def compare(num_experts, num_groups, topk_groups, top_k, scale, biases, tokens):
    router = make_router(num_experts, num_groups, topk_groups, top_k, scale, biases)
    with torch.no_grad():
        _, weights, indices = router(torch.tensor(tokens, dtype=torch.float32))
    compared = 0
    for logits, their_experts, their_weights in zip(tokens, indices.tolist(), weights.tolist()):
        ours = moe_routing.route(logits, biases, num_groups, topk_groups, top_k, scale)
        if not clear_cut(ours):
            continue
        compared += 1
        theirs = dict(zip(their_experts, their_weights))
        assert set(theirs) == set(ours.selected_experts), (logits, biases)
        for expert, weight in zip(ours.selected_experts, ours.gate_weights):
            assert theirs[expert] == pytest.approx(weight, rel=1e-5, abs=1e-6)
    return compared


def random_sizes(rng: random.Random):
    num_groups = rng.choice([1, 2, 4, 8])
    size = rng.choice([2, 3, 4, 8, 16])
    topk_groups = rng.randint(1, num_groups)
    top_k = rng.randint(1, topk_groups * size)
    return num_groups * size, num_groups, topk_groups, top_k


@pytest.mark.parametrize("seed", range(60))
def test_random_configs_match_transformers(seed):
    rng = random.Random(seed)
    num_experts, num_groups, topk_groups, top_k = random_sizes(rng)
    scale = f32(rng.choice([1.0, 2.5, rng.uniform(0.1, 16)]))
    spread = rng.choice([0.0, 0.01, 0.1, 1.0])  # from no bias to biases that overrule scores
    biases = [f32(rng.uniform(-spread, spread)) for _ in range(num_experts)]
    tokens = [[f32(rng.gauss(0, 2)) for _ in range(num_experts)] for _ in range(50)]
    compared = compare(num_experts, num_groups, topk_groups, top_k, scale, biases, tokens)
    assert compared >= 45  # near-ties are rare; almost every token is compared


@pytest.mark.parametrize("seed", range(5))
def test_the_deepseek_v3_sizes_match_transformers(seed):
    config = dscalc.data.models()["deepseek-v3"]["config"]
    rng = random.Random(1000 + seed)
    biases = [f32(rng.uniform(-0.05, 0.05)) for _ in range(config["n_routed_experts"])]
    tokens = [[f32(rng.gauss(0, 1)) for _ in range(config["n_routed_experts"])]
              for _ in range(40)]
    compared = compare(config["n_routed_experts"], config["n_group"], config["topk_group"],
                       config["num_experts_per_tok"], config["routed_scaling_factor"], biases,
                       tokens)
    assert compared >= 35


def test_the_calculator_defaults_match_transformers():
    result = dscalc.run("moe-routing", {"preset": "deepseek-v3", "seed": 11})
    logits = [f32(u) for u in result["logits"]]
    router = make_router(256, 8, 4, 8, 2.5, [0.0] * 256)
    with torch.no_grad():
        _, weights, indices = router(torch.tensor([logits], dtype=torch.float32))
    theirs = dict(zip(indices[0].tolist(), weights[0].tolist()))
    assert set(theirs) == set(result["selected_experts"])
    for expert, weight in zip(result["selected_experts"], result["gate_weights"]):
        assert theirs[expert] == pytest.approx(weight, rel=1e-5)
