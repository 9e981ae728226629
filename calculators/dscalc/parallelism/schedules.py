"""Pipeline-parallel schedules: 1F1B, ZB1P and DualPipe, as per-device programs and as timings.

A schedule is, for every device, the ordered list of chunk operations it runs. Each operation
is one of

- ``F``: the forward pass of one micro-batch through this device's stage;
- ``B``: the full backward pass (gradients for the input *and* for the weights);
- ``Bi``: backward for the input only (the zero-bubble split); its ``W`` comes later;
- ``W``: backward for the weights of an earlier ``Bi``;
- ``FB``: a forward and a backward chunk run as one mutually overlapped pair (DualPipe's
  ``F&B``).

``simulate`` turns the programs into start and end times: every device runs its list in order,
and an operation starts when the device is free and its inputs exist — a forward needs the same
micro-batch's forward on the previous stage, a backward needs the backward from the next stage
(the last stage needs its own forward), a ``W`` needs its ``Bi``. Point-to-point transfers are
taken as free (hidden), which is the assumption behind the DeepSeek-V3 report's Table 2; where
the DualPipe code queues a send only after a later compute, the output reaches the neighbour when
that later operation ends (``Op.deferred_send``).

The orders follow published descriptions:

- 1F1B (Harlap et al., 2018; Narayanan et al., 2021): device ``r`` of ``p`` runs ``p - 1 - r``
  warm-up forwards, then alternates one forward and one backward, then drains the backwards.
- ZB1P (ZB-H1 in Qi et al., 2023, arXiv:2401.10241): the same order with each backward split into
  ``Bi`` and ``W``; device ``r`` keeps ``r`` weight passes pending in the steady phase and runs
  them in the drain, where 1F1B would idle.
- DualPipe (DeepSeek-V3 report, Sec. 3.2.1; code in github.com/deepseek-ai/DualPipe,
  ``dualpipe/dualpipe.py``, commit 3da1bbe): the eight steps of ``DualPipe.step`` transcribed
  one for one (``_program_dualpipe``). Micro-batches enter from both ends; device ``r`` holds
  stage ``r`` of the forward-direction pipeline and stage ``p - 1 - r`` of the reverse one.

With ``F``, ``B``, ``W`` and ``F&B`` the same for every chunk, the simulated idle time of every
1F1B device equals ``(p - 1)(F + B)``; of every ZB1P device ``(p - 1)(F + B - 2W)`` when
``W <= F`` and ``W <= B - W``; and the largest DualPipe idle time (the two middle devices) equals
``(p/2 - 1)(F&B + B - 3W)`` when ``W = F`` and ``B = 2F``, the proportions of the report's
Figure 5 (tests check this). The formulas are the report's; the simulation is ours.
"""

from __future__ import annotations

from typing import NamedTuple

KINDS = ("F", "B", "Bi", "W", "FB")

#: Directions of DualPipe's two pipelines: 0 enters at device 0, 1 enters at the last device.
FORWARD_DIRECTION, REVERSE_DIRECTION = 0, 1


class Part(NamedTuple):
    """One chunk of work: ``kind`` is ``F`` or ``B`` (a ``Bi`` counts as ``B``: it produces the
    input gradient) or ``W``; ``direction`` 0 or 1; ``micro_batch`` within that direction;
    ``stage`` within that direction's pipeline."""

    kind: str
    direction: int
    micro_batch: int
    stage: int


class Op(NamedTuple):
    kind: str
    parts: tuple[Part, ...]
    #: The code queues this op's send until after the next op (DualPipe step 2): its outputs
    #: reach the neighbour when the next op on this device ends.
    deferred_send: bool = False


class Slot(NamedTuple):
    """A timed operation on one device."""

    device: int
    start: float
    end: float
    kind: str
    op: Op


# --------------------------------------------------------------------------- the formulas

def bubble_1f1b(pp: int, f: float, b: float) -> float:
    """``(PP - 1)(F + B)``: idle time per device (DeepSeek-V3 report, Table 2)."""
    return (pp - 1) * (f + b)


def bubble_zb1p(pp: int, f: float, b: float, w: float) -> float:
    """``(PP - 1)(F + B - 2W)`` (Table 2; ``B`` is the full backward)."""
    return (pp - 1) * (f + b - 2 * w)


def bubble_dualpipe(pp: int, fb: float, b: float, w: float) -> float:
    """``(PP/2 - 1)(F&B + B - 3W)`` (Table 2)."""
    return (pp / 2 - 1) * (fb + b - 3 * w)


#: Parameter and activation memory per device, in units of one stage's parameters and of one
#: micro-batch's activations for one stage (Table 2): ``(parameters, activations)``.
def memory_multiples(pp: int) -> dict[str, tuple[int, int]]:
    return {"1f1b": (1, pp), "zb1p": (1, pp), "dualpipe": (2, pp + 1)}


# --------------------------------------------------------------------------- programs

def _op(kind: str, *parts: Part) -> Op:
    return Op(kind, parts)


def program_1f1b(pp: int, micro_batches: int) -> list[list[Op]]:
    """1F1B on ``pp`` devices (one direction, ``micro_batches`` micro-batches)."""
    programs = []
    for device in range(pp):
        warm = min(pp - 1 - device, micro_batches)
        ops: list[Op] = []
        forward = backward = 0
        for _ in range(warm):
            ops.append(_op("F", Part("F", 0, forward, device)))
            forward += 1
        for _ in range(micro_batches - warm):
            ops.append(_op("F", Part("F", 0, forward, device)))
            forward += 1
            ops.append(_op("B", Part("B", 0, backward, device)))
            backward += 1
        for _ in range(warm):
            ops.append(_op("B", Part("B", 0, backward, device)))
            backward += 1
        programs.append(ops)
    return programs


def program_zb1p(pp: int, micro_batches: int) -> list[list[Op]]:
    """ZB-H1: 1F1B with split backwards; device ``r`` keeps ``r`` ``W`` passes pending."""
    programs = []
    for device in range(pp):
        warm = min(pp - 1 - device, micro_batches)
        ops: list[Op] = []
        pending: list[Part] = []
        counters = {"F": 0, "B": 0}

        def forward() -> None:
            ops.append(_op("F", Part("F", 0, counters["F"], device)))
            counters["F"] += 1

        def backward_input() -> None:
            part = Part("B", 0, counters["B"], device)
            ops.append(_op("Bi", part))
            pending.append(part)
            counters["B"] += 1

        def weights() -> None:
            part = pending.pop(0)
            ops.append(_op("W", Part("W", part.direction, part.micro_batch, part.stage)))

        for _ in range(warm):
            forward()
        for _ in range(micro_batches - warm):
            forward()
            backward_input()
            if len(pending) > device:
                weights()
        for _ in range(warm):
            backward_input()
            weights()
        while pending:
            weights()
        programs.append(ops)
    return programs


def program_dualpipe(pp: int, micro_batches: int) -> list[list[Op]]:
    """DualPipe's per-device order, transcribed from ``DualPipe.step`` (steps 1–8).

    ``pp`` must be even and ``micro_batches`` even and at least ``2 * pp`` (the code's own
    assertion); half of the micro-batches enter from each end.
    """
    if pp % 2 or micro_batches % 2 or micro_batches < 2 * pp:
        raise ValueError("DualPipe needs an even pp and an even micro_batches >= 2 * pp")
    half = pp // 2
    per_direction = micro_batches // 2
    return [_dualpipe_device(device, pp, half, per_direction) for device in range(pp)]


def _dualpipe_device(device: int, pp: int, half: int, per_direction: int) -> list[Op]:
    # As in the code: ``phase`` 0 is the direction in which this device is the earlier stage
    # (stage ``half_rank``); for devices in the second half that is the reverse direction.
    half_rank = min(device, pp - 1 - device)
    second_half = device >= half
    middle = device in (half - 1, half)
    forwards = [0, 0]
    backwards = [0, 0]
    ops: list[Op] = []
    pending: list[Part] = []

    def stage(direction: int) -> int:
        return device if direction == FORWARD_DIRECTION else pp - 1 - device

    def forward_part(phase: int) -> Part:
        direction = phase ^ second_half
        part = Part("F", direction, forwards[direction], stage(direction))
        forwards[direction] += 1
        return part

    def backward_part(phase: int) -> Part:
        direction = phase ^ second_half
        part = Part("B", direction, backwards[direction], stage(direction))
        backwards[direction] += 1
        return part

    def forward(phase: int, deferred_send: bool = False) -> None:
        ops.append(Op("F", (forward_part(phase),), deferred_send))

    def backward(phase: int, zero_bubble: bool = False) -> None:
        part = backward_part(phase)
        ops.append(_op("Bi" if zero_bubble else "B", part))
        if zero_bubble:
            pending.append(part)

    def weights() -> None:
        part = pending.pop(0)  # WeightGradStore is a FIFO queue
        ops.append(_op("W", Part("W", part.direction, part.micro_batch, part.stage)))

    def overlapped(phase_forward: int, phase_backward: int) -> None:
        ops.append(_op("FB", forward_part(phase_forward), backward_part(phase_backward)))

    # Step 1: nF0
    for _ in range((half - half_rank - 1) * 2):
        forward(0)
    # Step 2: nF0F1
    # (the code queues a send after a later compute in three places: deferred_send)
    for index in range(half_rank + 1):
        forward(0, deferred_send=not middle)
        forward(1, deferred_send=middle and index == half_rank)
    # Step 3: nB1W1F1 (zero bubble)
    for _ in range(half - half_rank - 1):
        backward(1, zero_bubble=True)
        weights()
        forward(1)
    # Step 4 (main step): nF0B1F1B0; the middle devices do not overlap their first pair
    for index in range(per_direction - pp + half_rank + 1):
        if index == 0 and middle:
            forward(0, deferred_send=True)
            backward(1)
        else:
            overlapped(0, 1)
        overlapped(1, 0)
    # Step 5: nB1F1B0
    for _ in range(half - half_rank - 1):
        backward(1)
        overlapped(1, 0)
    # Step 6: nB1B0 (the second half of these chunks use zero bubble)
    steps = half_rank + 1
    zero_bubble = False
    for index in range(steps):
        if index == steps // 2 and half_rank % 2 == 1:
            zero_bubble = True
        backward(1, zero_bubble)
        if index == steps // 2 and half_rank % 2 == 0:
            zero_bubble = True
        backward(0, zero_bubble)
    # Step 7: nWB0 (zero bubble)
    for _ in range(half - half_rank - 1):
        weights()
        backward(0, zero_bubble=True)
    # Step 8: nW
    for _ in range(half_rank + 1):
        weights()
    return ops


# --------------------------------------------------------------------------- timing

def _dependencies(part: Part, pp: int) -> tuple[tuple, ...]:
    if part.kind == "F":
        return () if part.stage == 0 else (("F", part.direction, part.micro_batch, part.stage - 1),)
    if part.kind == "B":
        if part.stage == pp - 1:
            return (("F", part.direction, part.micro_batch, part.stage),)
        return (("B", part.direction, part.micro_batch, part.stage + 1),)
    return (("B", part.direction, part.micro_batch, part.stage),)


def durations(f: float, b: float, w: float, fb: float) -> dict[str, float]:
    """Time of each operation kind; ``Bi`` is the full backward less its weight part."""
    return {"F": f, "B": b, "Bi": b - w, "W": w, "FB": fb}


def label(op: Op) -> str:
    """``→3`` / ``←3``: micro-batch 3 of the direction entering at the first / last device; an
    overlapped pair reads ``F→7 B←3``."""
    arrows = ("→", "←")
    texts = [f"{part.kind if op.kind == 'FB' else ''}{arrows[part.direction]}{part.micro_batch}"
             for part in op.parts]
    return " ".join(texts)


def simulate(programs: list[list[Op]], times: dict[str, float]) -> list[list[Slot]]:
    """Start and end time of every operation (see the module docstring for the rules).

    Each device runs its program in order; a device whose next operation waits for an input
    not yet computed is parked on that input and resumed when it is produced, so every
    operation is examined a bounded number of times.
    """
    pp = len(programs)
    finished: dict[tuple, float] = {}
    waiting: dict[tuple, list[int]] = {}
    position = [0] * pp
    free = [0.0] * pp
    held: list[tuple] = [()] * pp
    slots: list[list[Slot]] = [[] for _ in range(pp)]
    stack = list(range(pp - 1, -1, -1))
    while stack:
        device = stack.pop()
        program = programs[device]
        row = slots[device]
        while position[device] < len(program):
            op = program[position[device]]
            ready = free[device]
            blocked = None
            for part in op.parts:
                for key in _dependencies(part, pp):
                    done = finished.get(key)
                    if done is None:
                        blocked = key
                        break
                    if done > ready:
                        ready = done
                if blocked:
                    break
            if blocked:
                waiting.setdefault(blocked, []).append(device)
                break
            end = ready + times[op.kind]
            produced = [part[:4] for part in held[device]]
            held[device] = op.parts if op.deferred_send else ()
            if not op.deferred_send:
                produced.extend(part[:4] for part in op.parts)
            for key in produced:
                finished[key] = end
                stack.extend(waiting.pop(key, ()))
            row.append(Slot(device, ready, end, op.kind, op))
            free[device] = end
            position[device] += 1
    if any(position[device] < len(programs[device]) for device in range(pp)):
        raise RuntimeError("the schedule deadlocks")  # a programming error, never user input
    return slots


def makespan(slots: list[list[Slot]]) -> float:
    return max((row[-1].end for row in slots if row), default=0.0)


def idle_times(slots: list[list[Slot]]) -> list[float]:
    """Per device: the time it is not computing between 0 and the end of the whole step."""
    end = makespan(slots)
    return [end - sum(slot.end - slot.start for slot in row) for row in slots]
