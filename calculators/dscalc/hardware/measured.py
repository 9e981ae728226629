"""Published benchmark results (``data/measured/``) set beside the roofline's ceiling.

A record states a throughput the way its publisher did: tokens/s for the whole system, per chip
or per user. ``normalise`` turns it, once, into the three figures every comparison uses:

- tokens/s per system ``S``: as published, or ``per chip × n`` (``n`` chips), or
  ``per user × c`` (``c`` concurrent users; unknown without ``c``);
- tokens/s per chip ``S / n``;
- tokens/s per user: the record's own figure, else ``1,000 / TPOT`` (ms), else ``S / c``.

Samples/s and queries/s are not turned into tokens (a sample's length varies); such a record is
listed without a per-chip figure.

The ceiling (``ceiling``) is the roofline of ``dscalc.roofline`` with the model shape and chip
roof of the ``roofline`` calculator (``calcs.roofline.model_shape`` / ``chip_roof``), for the
record's own conditions: its weight format and KV-cache format, its chip and chip count, its
input and output lengths, its concurrency or latency target. The ``n`` chips are taken as one
ideal machine (``n`` times the peak and the bandwidth, weights stored once, no communication): an
upper bound for any split of the work (tensor, expert or pipeline parallel). A request's prompt
is prefilled and then ``O`` tokens are decoded at the mean context ``I + O/2``, so for a batch of
``B`` requests

    tokens/s per chip = B · O / (t_prefill(B) + O · t_step(B)) / n,   per user = 1 / t_step(B),

(without ``t_prefill`` for a system that only decodes, its prompts prefilled elsewhere, as
DeepSeek's decode nodes; a record says so in its ``system``), where ``B`` is the record's
concurrency, or else the largest batch that meets its latency target
(``1 / t_step ≥`` its tokens/s per user), or else the largest batch whose KV cache fits in the
chips' memory beside the weights. What binds at that batch — the latency target, compute or
memory bandwidth — is named; a system larger than the chip's scale-up domain also crosses the
slower scale-out network (interconnect). A measured figure above its ceiling is never clipped:
the reason the record gives (speculative decoding or MTP, prefix caching, FP4 weights, a batch
the ceiling does not assume) is named, or the excess is flagged as unexplained.
"""

from __future__ import annotations

import math
from functools import lru_cache

from .. import data
from ..framework.errors import ValidationError
from ..framework.inputs import WEIGHT_BITS
from .roofline_model import Roof, decode_work, prefill_work, times

#: Records of a model with no config of its own are modelled with the config of the same
#: architecture (DeepSeek-R1 and its updates share DeepSeek-V3's config.json).
ARCHITECTURE = {
    "deepseek-r1": "deepseek-v3",
    "deepseek-r1-0528": "deepseek-v3",
    "deepseek-v3-0324": "deepseek-v3",
    "deepseek-v3.1": "deepseek-v3",
}
#: Words in a record's software, system or note that name a technique the ceiling leaves out.
TECHNIQUES = (
    ("speculative", ("speculative", "mtp", "eagle", "draft model", "multi-token prediction")),
    ("prefix-cache", ("prefix cach", "prefix-cach", "kv cache reuse", "cache hit")),
)
#: Lengths assumed when a record gives none (flagged in its row).
DEFAULT_INPUT_TOKENS = 1_000
DEFAULT_OUTPUT_TOKENS = 1_000
#: A figure published per node of a deployment too large for one node's memory (DeepSeek's
#: 14.8k tokens/s per H800 node) is modelled on the fewest whole copies of the stated system
#: that hold the weights, up to this many.
MAX_COPIES = 64
#: Largest batch per system the search considers.
MAX_BATCH = 1 << 20
#: Batches at which the latency-throughput front is drawn (per system).
FRONT_BATCHES = tuple(2 ** power for power in range(0, 21))


# --------------------------------------------------------------------------- records

def records_from(bundle: dict) -> list[dict]:
    """Every record of a bundle (``dscalc.data.bundle("measured")``), each with its file's
    ``source`` attached, in file order."""
    found = []
    for document in bundle.get("files", ()):
        source = dict(document.get("source") or {}, file=document.get("file", ""))
        for record in document.get("records") or ():
            found.append(dict(record, source=source))
    return found


@lru_cache(maxsize=1)
def _stored() -> tuple[dict, ...]:
    return tuple(records_from(data.bundle("measured")))


def records() -> list[dict]:
    """The records in ``data/measured/``."""
    return list(_stored())


def by_id(record_id: str, field: str = "measured_record", pool: list[dict] | None = None) -> dict:
    """The record with this id, or ``ValidationError`` at ``field``."""
    for record in records() if pool is None else pool:
        if record.get("id") == record_id:
            return record
    raise ValidationError(field, f"測定結果の記録 {record_id!r} は data/measured/ にありません。",
                          f"No measured record {record_id!r} in data/measured/.")


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) and value > 0 else None


# --------------------------------------------------------------------------- normalisation

def normalise(record: dict) -> dict:
    """Tokens/s per system, per chip and per user from the record as published (``None`` where
    the record does not allow it), and where each came from."""
    throughput = record.get("throughput") or {}
    value, unit, per = _number(throughput.get("value")), throughput.get("unit"), throughput.get("per")
    chips = _number(record.get("chip_count"))
    users = _number(record.get("concurrency"))
    system = user = None
    if value is not None and unit == "tokens/s":
        if per == "system":
            system = value
        elif per == "chip" and chips:
            system = value * chips
        elif per == "user":
            user = value
            system = value * users if users else None
    per_chip = system / chips if system is not None and chips else None
    if per == "chip" and unit == "tokens/s" and value is not None:
        per_chip = value  # as published, not divided back
    user_from = "published" if user is not None else None
    if user is None and _number(record.get("tokens_per_s_per_user")):
        user, user_from = float(record["tokens_per_s_per_user"]), "published"
    tpot = _number((record.get("latency") or {}).get("tpot_ms"))
    if user is None and tpot:
        user, user_from = 1_000.0 / tpot, "tpot"
    if user is None and system is not None and users:
        user, user_from = system / users, "system/concurrency"
    return {"tokens_per_s_per_system": system, "tokens_per_s_per_chip": per_chip,
            "tokens_per_s_per_user": user, "user_from": user_from,
            "unit": unit, "per": per, "chip_count": int(chips) if chips else None}


# --------------------------------------------------------------------------- the ceiling

def architecture(model_id: str) -> str:
    """The model preset whose config a record's model is modelled with."""
    return ARCHITECTURE.get(model_id, model_id)


def _format(text, fallback: str, choices) -> tuple[str, bool]:
    """A precision as the calculators name it (``nvfp4`` → ``fp4``), and whether it was given."""
    word = str(text or "").lower().replace("-", "").replace("_", "")
    for name in ("fp4", "fp8", "bf16", "fp16", "int8", "int4", "fp32"):
        if name in word and name in choices:
            return name, True
    return fallback, False


def system_roof(roof: Roof, chips: int) -> Roof:
    """``chips`` chips as one ideal machine: their peaks and bandwidths added."""
    return Roof(matmul_peak=roof.matmul_peak * chips, attention_peak=roof.attention_peak * chips,
                bandwidth=roof.bandwidth * chips)


class Machine:
    """A model on ``n`` chips at given lengths: step times and throughputs by batch."""

    def __init__(self, shape, total_params: int, roof: Roof, chips: int, memory_bytes: float | None,
                 bytes_per_weight: float, input_tokens: int, output_tokens: int):
        self.shape, self.roof, self.chips = shape, system_roof(roof, chips), chips
        self.precision = ""
        #: A decode-only system (prefill on other nodes, as in DeepSeek's service): no prefill.
        self.decode_only = False
        self.bytes_per_weight = bytes_per_weight
        self.input_tokens, self.output_tokens = input_tokens, output_tokens
        self.context = input_tokens + output_tokens // 2
        weights = total_params * bytes_per_weight
        per_sequence = (input_tokens + output_tokens) * shape.kv_stored_per_token
        self.weights_fit = memory_bytes is None or weights < memory_bytes * chips
        if memory_bytes is None or per_sequence <= 0:
            self.max_batch = MAX_BATCH
        else:
            room = memory_bytes * chips - weights
            self.max_batch = max(0, min(MAX_BATCH, int(room // per_sequence)))

    def step(self, batch: float) -> tuple[float, float]:
        """Decode step ``(t_compute, t_memory)`` in seconds at ``batch`` sequences."""
        return times(decode_work(self.shape, batch, self.context, 1, self.bytes_per_weight), self.roof)

    def step_time(self, batch: float) -> float:
        return max(self.step(batch))

    def prefill_time(self, batch: float) -> float:
        if self.input_tokens <= 0 or self.decode_only:
            return 0.0
        return max(times(prefill_work(self.shape, batch, self.input_tokens, 1,
                                      self.bytes_per_weight), self.roof))

    def per_chip(self, batch: float) -> float:
        """Output tokens/s per chip for a batch served from prompt to last token."""
        total = self.prefill_time(batch) + self.output_tokens * self.step_time(batch)
        return batch * self.output_tokens / total / self.chips

    def per_user(self, batch: float) -> float:
        return 1.0 / self.step_time(batch)

    def batch_for_user_speed(self, tokens_per_s: float) -> int:
        """The largest batch (≤ the memory limit) whose decode step keeps ``tokens_per_s`` per
        user; 0 when even one sequence is slower."""
        target = 1.0 / tokens_per_s
        if self.max_batch < 1 or self.step_time(1) > target:
            return 0
        low, high = 1, self.max_batch
        if self.step_time(high) <= target:
            return high
        while high - low > 1:
            middle = (low + high) // 2
            if self.step_time(middle) <= target:
                low = middle
            else:
                high = middle
        return low


@lru_cache(maxsize=64)
def _shape(model_id: str, kv_cache: str, context: int):
    """The roofline calculator's model shape of a preset (cached: records share presets)."""
    from ..calcs import roofline as roofline_calc

    shape, facts = roofline_calc.model_shape(data.models()[model_id]["config"], kv_cache, context)
    return shape, facts["total_params"]


def machine_for(model_id: str, chip: dict, chips: int, weights: str, kv_cache: str,
                input_tokens: int, output_tokens: int) -> Machine | None:
    """The roofline machine for a model preset on ``chips`` of ``chip``; ``None`` when the model
    has no config in ``data/models`` or the chip lacks a published figure the roofline needs."""
    from ..calcs import roofline as roofline_calc  # the roofline calculator's own readers

    if architecture(model_id) not in data.models():
        return None
    found = roofline_calc.chip_roof(chip, weights)
    if found is None:
        return None
    shape, total_params = _shape(architecture(model_id), kv_cache, input_tokens + output_tokens // 2)
    machine = Machine(shape, total_params, found[0], chips, chip.get("memory_bytes"),
                      WEIGHT_BITS[weights] / 8, input_tokens, output_tokens)
    machine.precision = found[1]
    return machine


def fitting_machine(model_id: str, chip: dict, chips: int, weights: str, kv_cache: str,
                    input_tokens: int, output_tokens: int) -> Machine | None:
    """``machine_for`` on the fewest whole copies of ``chips`` chips (up to ``MAX_COPIES``)
    that hold the weights and one sequence; the last one tried when none does."""
    machine = None
    for copies in range(1, MAX_COPIES + 1):
        machine = machine_for(model_id, chip, chips * copies, weights, kv_cache, input_tokens,
                              output_tokens)
        if machine is None or (machine.weights_fit and machine.max_batch >= 1):
            break
    return machine


def decode_only(record: dict) -> bool:
    """A system that only decodes (its ``system`` says decode and not prefill: a disaggregated
    prefill/decode system as a whole does both)."""
    system = str(record.get("system") or "").lower()
    return "decode" in system and "prefill" not in system


def _techniques(record: dict) -> list[str]:
    words = " ".join(str(record.get(key) or "") for key in ("software", "system", "note")).lower()
    return [name for name, keys in TECHNIQUES if any(key in words for key in keys)]


def compare(record: dict) -> dict:
    """One record against its ceiling: the normalised figures, the ceiling per chip and per
    user at the record's conditions, the share reached, what binds, and why a figure above the
    ceiling is above it."""
    figures = normalise(record)
    precision = record.get("precision") or {}
    weights, weights_given = _format(precision.get("weights"), "fp8", WEIGHT_BITS)
    kv_cache, _ = _format(precision.get("kv_cache"), "bf16", ("fp8", "bf16", "fp16", "fp32"))
    lengths_given = bool(_number(record.get("input_tokens")) and _number(record.get("output_tokens")))
    input_tokens = int(_number(record.get("input_tokens")) or DEFAULT_INPUT_TOKENS)
    output_tokens = int(_number(record.get("output_tokens")) or DEFAULT_OUTPUT_TOKENS)
    chip = data.chips().get(record.get("chip") or "")
    row = {"id": record.get("id", ""), "model": record.get("model", ""),
           "architecture": architecture(record.get("model", "")),
           "chip": record.get("chip"), "chip_name": chip["name"] if chip else (record.get("chip") or ""),
           "system": record.get("system", ""), "submitter": record.get("submitter", ""),
           "scenario": record.get("scenario", ""), "division": record.get("division", ""),
           "weights": weights, "weights_given": weights_given, "kv_cache": kv_cache,
           "input_tokens": input_tokens, "output_tokens": output_tokens,
           "lengths_given": lengths_given, "date": str(record.get("date") or ""),
           "source_url": record.get("source_url", ""), "status": record.get("status", ""),
           **figures, "techniques": _techniques(record),
           "ceiling_per_chip": None, "ceiling_per_user": None, "ceiling_batch": None,
           "share": None, "user_share": None, "bound": None, "exceeds": False, "reasons": [],
           "crosses_scale_up": False, "batch_capped": False, "compute_precision": "",
           "chips_modelled": None, "no_ceiling": None,
           "decode_only": decode_only(record)}
    chips = figures["chip_count"]
    if chip is None:
        row["no_ceiling"] = "chip"
        return row
    if not chips:
        row["no_ceiling"] = "chip_count"
        return row
    machine = fitting_machine(row["model"], chip, chips, weights, kv_cache, input_tokens,
                              output_tokens)
    if machine is not None:
        machine.decode_only = row["decode_only"]
    if machine is None:
        row["no_ceiling"] = "model" if architecture(row["model"]) not in data.models() else "chip_figures"
        return row
    if not machine.weights_fit or machine.max_batch < 1:
        row["no_ceiling"] = "memory"
        return row
    row["chips_modelled"] = machine.chips
    domain = (chip.get("scale_up") or {}).get("domain_size")
    row["crosses_scale_up"] = bool(domain and machine.chips > domain)
    row["compute_precision"] = machine.precision
    users = _number(record.get("concurrency"))
    users = users * machine.chips / chips if users else None  # per modelled system
    row["batch_capped"] = bool(users and users > machine.max_batch)
    batch, bound = _operating_batch(users, figures, machine)
    if batch < 1:
        # Even one sequence decodes slower than the record's per-user speed on this roofline.
        batch, bound = 1, "latency-unreachable"
    compute, memory = machine.step(batch)
    row.update(ceiling_batch=batch, ceiling_per_chip=machine.per_chip(batch),
               ceiling_per_user=machine.per_user(batch),
               bound=bound or ("compute" if compute > memory else "memory"))
    if figures["tokens_per_s_per_chip"] is not None:
        row["share"] = figures["tokens_per_s_per_chip"] / row["ceiling_per_chip"]
    if figures["tokens_per_s_per_user"] is not None:
        row["user_share"] = figures["tokens_per_s_per_user"] / machine.per_user(1)
    row["exceeds"] = bool((row["share"] or 0) > 1 or bound == "latency-unreachable")
    row["reasons"] = _reasons(row) if row["exceeds"] else []
    return row


def _operating_batch(users: float | None, figures: dict,
                     machine: Machine) -> tuple[int, str | None]:
    """The batch the ceiling is taken at (``users`` concurrent requests if published), and
    ``"latency"`` when a latency target set it."""
    if users:
        return max(1, min(int(users), machine.max_batch)), None
    target = figures["tokens_per_s_per_user"] if figures["user_from"] != "system/concurrency" else None
    if target:
        batch = machine.batch_for_user_speed(target)
        if batch < machine.max_batch:
            return batch, "latency"
    return machine.max_batch, None


def _reasons(row: dict) -> list[str]:
    """Why a measured figure is above its ceiling, most specific first."""
    reasons = list(row["techniques"])
    if row["weights"] == "fp4" and row["compute_precision"] != "fp4":
        reasons.append("fp4")
    if row["batch_capped"]:
        reasons.append("batch")
    if not row["lengths_given"]:
        reasons.append("lengths")
    return reasons or ["unexplained"]


def compare_all(pool: list[dict] | None = None) -> list[dict]:
    """``compare`` for every record (those of ``data/measured/`` by default)."""
    return [compare(record) for record in (records() if pool is None else pool)]


def matching(model_id: str, chip_id: str, pool: list[dict] | None = None) -> list[dict]:
    """Records of the model preset ``model_id`` (or a model of its architecture) on ``chip_id``."""
    return [record for record in (records() if pool is None else pool)
            if architecture(str(record.get("model", ""))) == model_id and record.get("chip") == chip_id]


def extremes(rows: list[dict]) -> tuple[dict | None, dict | None]:
    """The rows with the largest and the smallest share of ceiling (``None`` without any)."""
    shared = [row for row in rows if row["share"] is not None]
    if not shared:
        return None, None
    return max(shared, key=lambda row: row["share"]), min(shared, key=lambda row: row["share"])


def front(machine: Machine) -> tuple[tuple[float, float], ...]:
    """The latency-throughput front: ``(tokens/s per user, tokens/s per chip)`` for batches up
    to the memory limit."""
    batches = [batch for batch in FRONT_BATCHES if batch <= machine.max_batch]
    if machine.max_batch not in batches and machine.max_batch >= 1:
        batches.append(machine.max_batch)
    return tuple((machine.per_user(batch), machine.per_chip(batch)) for batch in batches)
