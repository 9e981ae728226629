"""Roofline arithmetic for transformer inference on one accelerator: pure functions, SI units.

The roofline (Williams, Waterman and Patterson, CACM 2009) bounds the time of a piece of work
by the slower of two resources:

    t = max(t_compute, t_memory),   t_compute = FLOP / P,   t_memory = bytes / BW,

where ``P`` is the chip's peak FLOP/s at the precision used and ``BW`` its memory bandwidth in
bytes per second. Their ratio ``P / BW`` (FLOP per byte) is the chip's *ridge point*: work whose
arithmetic intensity ``I = FLOP / bytes`` is below it is memory-bound, above it compute-bound.

Decoding one step for a batch of ``B`` sequences per chip reads every weight once, whatever
``B`` (so weights are shared by the batch), plus each sequence's KV cache; it multiplies every
weight once per sequence. That is why decode intensity grows with batch size and why the batch
at which decode turns compute-bound is the chip's FLOP per byte divided by the model's (see
``crossover_batch``).

Mixture of experts: a decode step only reads the routed experts some token in the batch chose.
With ``E`` experts per layer, ``k`` chosen per token, and ``N`` tokens routed independently and
uniformly, an expert is missed by one token with probability ``1 − k/E`` (exactly: a token picks
``k`` distinct experts, each expert is among them with probability ``k/E``), so the expected
number of distinct experts touched per layer is

    E_touched(N) = E · (1 − (1 − k/E)^N),

which is ``k`` at ``N = 1`` and tends to ``E`` as ``N`` grows. With expert parallelism over ``D``
chips each chip holds ``E/D`` experts of every MoE layer and reads ``(E/D)(1 − (1 − k/E)^N)`` of
them, where ``N = B · D`` is the number of tokens routed across the group. Real routers are not
uniform (DeepSeek balances load with a bias term and redundant experts), so this is the mean of
an idealised router.

Everything here is in FLOP, bytes and seconds (floats); no rounding, no presentation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Chip-table fields holding dense throughput, by compute precision.
PRECISION_FIELDS = {
    "fp4": "fp4_dense_flops",
    "fp8": "fp8_dense_flops",
    "int8": "int8_dense_ops",
    "bf16": "bf16_dense_flops",
    "fp16": "fp16_dense_flops",
    "tf32": "tf32_dense_flops",
    "fp32": "fp32_flops",
}

#: For weights stored in each format, the compute precisions tried in order: a format the chip
#: cannot multiply natively is dequantized to the next (FP8 weights on an A100 run in BF16).
COMPUTE_CHAIN = {
    "fp4": ("fp4", "fp8", "bf16", "fp16"),
    "int4": ("bf16", "fp16"),
    "fp8": ("fp8", "bf16", "fp16"),
    "int8": ("int8", "bf16", "fp16"),
    "bf16": ("bf16", "fp16"),
    "fp16": ("fp16", "bf16"),
    "fp32": ("fp32",),
}

#: Attention over the KV cache is computed in 16-bit in the serving stacks we cite (DeepSeek's
#: core MLA runs in BF16); these precisions are tried in order.
ATTENTION_CHAIN = ("bf16", "fp16")


def compute_peak(chip: dict, chain: tuple[str, ...]) -> tuple[str, float] | None:
    """``(precision, FLOP/s)`` of the first precision in ``chain`` the chip has a dense figure
    for, or ``None`` when it has none (a ``null`` in the chip table means "not published")."""
    for precision in chain:
        value = chip.get(PRECISION_FIELDS[precision])
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
            return precision, float(value)
    return None


def ridge_point(peak_flops: float, bandwidth: float) -> float:
    """The chip's FLOP per byte (``P / BW``): the intensity where the two roofs meet."""
    return peak_flops / bandwidth


def attainable(peak_flops: float, bandwidth: float, intensity: float) -> float:
    """The roofline: FLOP/s attainable at arithmetic intensity ``intensity`` (FLOP per byte)."""
    return min(peak_flops, bandwidth * intensity)


def expected_distinct_experts(num_experts: int, top_k: int, tokens: float) -> float:
    """Expected distinct experts (of ``num_experts``) that ``tokens`` tokens choose, each
    picking ``top_k`` distinct experts uniformly at random: ``E (1 − (1 − k/E)^N)``."""
    if tokens <= 0 or top_k <= 0:
        return 0.0
    if top_k >= num_experts:
        return float(num_experts)
    miss = math.exp(tokens * math.log1p(-top_k / num_experts))
    return num_experts * (1.0 - miss)


@dataclass(frozen=True)
class ModelShape:
    """What a roofline needs to know about a model (counts of parameters, not bytes).

    ``dense_params``: weights every token is multiplied by except the routed experts (attention,
    dense MLPs, shared experts, routers, norms, the output head); the input embedding is a
    look-up and is left out. ``expert_params``: one routed expert of one layer.
    ``matmul_flops_per_token``: ``2 ×`` the weights a token is multiplied by.
    ``prefill_attention_flops`` / ``decode_attention_flops``: FLOPs per token for each cached
    token it attends to (scores plus weighted sum, all layers). ``kv_bytes_per_token``: the KV
    cache bytes a decode step reads per cached token, all layers (for full attention, what one
    token occupies; for windows, states and sparse attention, the kv-cache calculator's bytes read
    per step divided by the context).
    """

    dense_params: int
    expert_params: int
    num_moe_layers: int
    num_experts: int
    top_k: int
    matmul_flops_per_token: float
    prefill_attention_flops: float
    decode_attention_flops: float
    kv_bytes_per_token: float
    #: The cache one token leaves behind, when it differs from what a decode step reads per
    #: cached token (sliding windows, fixed states, sparse attention); ``None``: the same.
    kv_stored_bytes_per_token: float | None = None

    @property
    def kv_stored_per_token(self) -> float:
        return self.kv_bytes_per_token if self.kv_stored_bytes_per_token is None \
            else self.kv_stored_bytes_per_token

    @property
    def is_moe(self) -> bool:
        return self.num_moe_layers > 0 and self.num_experts > 0


@dataclass(frozen=True)
class Work:
    """FLOPs and bytes of one step on one chip, split by where they come from."""

    matmul_flops: float
    attention_flops: float
    dense_weight_bytes: float
    expert_weight_bytes: float
    kv_bytes: float
    experts_touched_per_layer: float

    @property
    def flops(self) -> float:
        return self.matmul_flops + self.attention_flops

    @property
    def bytes(self) -> float:
        return self.dense_weight_bytes + self.expert_weight_bytes + self.kv_bytes

    @property
    def intensity(self) -> float:
        return self.flops / self.bytes if self.bytes else 0.0


def expert_bytes_per_chip(shape: ModelShape, tokens_routed: float, ep_degree: int,
                          bytes_per_weight: float) -> tuple[float, float]:
    """Routed-expert bytes one chip reads in a step, and the experts touched per layer on it."""
    if not shape.is_moe:
        return 0.0, 0.0
    touched = expected_distinct_experts(shape.num_experts, shape.top_k, tokens_routed) / ep_degree
    return shape.num_moe_layers * touched * shape.expert_params * bytes_per_weight, touched


def decode_work(shape: ModelShape, batch: float, context: int, ep_degree: int,
                bytes_per_weight: float) -> Work:
    """One decode step with ``batch`` sequences per chip, each attending to ``context`` cached
    tokens, on one chip of an expert-parallel group of ``ep_degree`` chips (weights other than
    routed experts replicated on every chip, as in DeepSeek's data-parallel attention)."""
    experts, touched = expert_bytes_per_chip(shape, batch * ep_degree, ep_degree,
                                             bytes_per_weight)
    return Work(matmul_flops=batch * shape.matmul_flops_per_token,
                attention_flops=batch * context * shape.decode_attention_flops,
                dense_weight_bytes=shape.dense_params * bytes_per_weight,
                expert_weight_bytes=experts,
                kv_bytes=batch * context * shape.kv_bytes_per_token,
                experts_touched_per_layer=touched)


def prefill_work(shape: ModelShape, batch: float, prompt: int, ep_degree: int,
                 bytes_per_weight: float) -> Work:
    """Prefill of ``batch`` prompts of ``prompt`` tokens per chip: every prompt token is
    multiplied by the weights, attends causally to the ones before it (``T(T+1)/2`` pairs), and
    writes its KV cache once; weights are read once for the whole batch."""
    tokens = batch * prompt
    experts, touched = expert_bytes_per_chip(shape, tokens * ep_degree, ep_degree,
                                             bytes_per_weight)
    pairs = batch * prompt * (prompt + 1) / 2
    return Work(matmul_flops=tokens * shape.matmul_flops_per_token,
                attention_flops=pairs * shape.prefill_attention_flops,
                dense_weight_bytes=shape.dense_params * bytes_per_weight,
                expert_weight_bytes=experts,
                kv_bytes=tokens * shape.kv_stored_per_token,
                experts_touched_per_layer=touched)


@dataclass(frozen=True)
class Roof:
    """A chip as the roofline sees it: peak FLOP/s for the matrix multiplications, for
    attention, and memory bandwidth (bytes/s)."""

    matmul_peak: float
    attention_peak: float
    bandwidth: float

    @property
    def ridge(self) -> float:
        return self.matmul_peak / self.bandwidth


def times(work: Work, roof: Roof) -> tuple[float, float]:
    """``(t_compute, t_memory)`` in seconds."""
    compute = work.matmul_flops / roof.matmul_peak + work.attention_flops / roof.attention_peak
    return compute, work.bytes / roof.bandwidth


def step_time(work: Work, roof: Roof) -> float:
    """The roofline's lower bound on the step time: the slower of compute and memory."""
    return max(times(work, roof))


def crossover_batch(shape: ModelShape, roof: Roof, context: int, ep_degree: int,
                    bytes_per_weight: float) -> float | None:
    """The batch per chip (a real number) at which a decode step's compute time equals its
    memory time; ``None`` when decode never turns compute-bound (the KV cache read per sequence
    grows as fast as the work per sequence).

    For a dense model with a negligible KV cache this is ``(P / BW) / (F / W)``: the chip's FLOP
    per byte over the model's FLOP per byte at batch 1. In general the gap
    ``t_compute − t_memory`` is convex in the batch (linear minus the concave expert term) and
    negative at 0, so it crosses zero at most once; bisection finds it.
    """

    def gap(batch: float) -> float:
        compute, memory = times(decode_work(shape, batch, context, ep_degree, bytes_per_weight),
                                roof)
        return compute - memory

    per_sequence_compute = (shape.matmul_flops_per_token / roof.matmul_peak
                            + context * shape.decode_attention_flops / roof.attention_peak)
    per_sequence_memory = context * shape.kv_bytes_per_token / roof.bandwidth
    if per_sequence_compute <= per_sequence_memory:
        return None
    high = 1.0
    while gap(high) < 0:
        high *= 2
        if high > 1e18:
            return None
    low = 0.0
    for _ in range(200):
        middle = (low + high) / 2
        if gap(middle) < 0:
            low = middle
        else:
            high = middle
        if high - low <= 1e-12 * high:
            break
    return (low + high) / 2
