"""Mixture-of-experts routing of one token, step by step, the way DeepSeek-V3 does it.

DeepSeek-V3 Technical Report (arXiv:2412.19437), Sec. 2.1.2, eqs. 12-16 and
"Auxiliary-Loss-Free Load Balancing", with the details of the official inference code
(deepseek-ai/DeepSeek-V3, ``inference/model.py``, class ``Gate``):

1. affinity of the token to each routed expert: ``s_i = sigmoid(u_t . e_i)``;
2. biased score used only for choosing: ``s_i + b_i`` (the per-expert bias that balances load
   without an auxiliary loss);
3. experts are split into ``n_group`` equal groups; a group's score is the sum of the two
   highest biased scores in it, and only the ``topk_group`` best groups are kept;
4. the ``top_k`` experts with the highest biased scores inside the kept groups are chosen;
5. gate weights come from the ORIGINAL scores ``s_i`` of the chosen experts (never the biased
   ones), normalised to sum to 1 and multiplied by ``routed_scaling_factor``.

Ties are broken towards the lower index (expert or group), so a result is always reproducible.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Routing:
    """Every intermediate value of routing one token."""

    logits: tuple[float, ...]           # u_t . e_i
    biases: tuple[float, ...]           # b_i
    affinities: tuple[float, ...]       # s_i = sigmoid(u_t . e_i)
    biased_scores: tuple[float, ...]    # s_i + b_i
    group_scores: tuple[float, ...]     # sum of the two best biased scores in each group
    kept_groups: tuple[int, ...]        # best group first
    selected_experts: tuple[int, ...]   # best (highest biased score) first
    gate_weights: tuple[float, ...]     # aligned with selected_experts
    experts_per_group: int


def sigmoid(x: float) -> float:
    """Logistic function, without overflow for large |x|."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def top_indices(values, k: int, among=None) -> list[int]:
    """Indices of the ``k`` largest ``values`` (optionally only those in ``among``), largest
    first; equal values go to the lower index."""
    candidates = range(len(values)) if among is None else among
    return sorted(candidates, key=lambda i: (-values[i], i))[:k]


def route(logits, biases, num_groups: int, topk_groups: int, top_k: int,
          routed_scaling_factor: float) -> Routing:
    """Route one token. Sizes must already be consistent (see ``check_sizes``)."""
    num_experts = len(logits)
    size = num_experts // num_groups
    affinities = [sigmoid(u) for u in logits]
    biased = [s + b for s, b in zip(affinities, biases)]
    group_scores = []
    for g in range(num_groups):
        members = range(g * size, (g + 1) * size)
        group_scores.append(math.fsum(biased[i] for i in top_indices(biased, 2, members)))
    kept = top_indices(group_scores, topk_groups)
    candidates = [i for g in sorted(kept) for i in range(g * size, (g + 1) * size)]
    selected = top_indices(biased, top_k, candidates)
    # The weights use the unbiased affinities: the bias steers the choice, never the mixture.
    chosen = [affinities[i] for i in selected]
    total = math.fsum(chosen)
    weights = [s / total * routed_scaling_factor for s in chosen]
    return Routing(tuple(logits), tuple(biases), tuple(affinities), tuple(biased),
                   tuple(group_scores), tuple(kept), tuple(selected), tuple(weights), size)


def pseudo_random_logits(seed: int, count: int) -> list[float]:
    """Deterministic affinity logits for a seed (standard normal, three decimals)."""
    rng = random.Random(seed)
    return [round(rng.gauss(0.0, 1.0), 3) for _ in range(count)]


