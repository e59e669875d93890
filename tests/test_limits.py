"""limits: `Limits` (what one edition may use), `Deadline` (checked between steps, enforced
in any thread) and `nesting_depth`.

The enforcement tests spin in pure Python: that is what `enforce()` interrupts (code in C is
interrupted when it returns to Python).
"""

from __future__ import annotations

import math
import threading
import time

import pytest

from reportbuilder.limits import (
    DEFAULT_MAX_MEMORY_MB,
    DEFAULT_TIMEOUT,
    MAX_DEPTH,
    Deadline,
    Limits,
    TimeLimitExceeded,
    nesting_depth,
)


def spin(seconds: float) -> int:
    """Busy pure-Python work for `seconds`; the number of rounds it made."""
    end = time.monotonic() + seconds
    rounds = 0
    while time.monotonic() < end:
        rounds += 1
    return rounds


# --- Limits -----------------------------------------------------------------------------------


def test_limits_defaults() -> None:
    limits = Limits()
    assert (limits.timeout, limits.max_memory_mb) == (DEFAULT_TIMEOUT, DEFAULT_MAX_MEMORY_MB)
    assert Limits(timeout=0.5, max_memory_mb=64) == Limits(0.5, 64)  # the smallest allowed


@pytest.mark.parametrize("timeout", [0, -1, -0.001, math.nan, math.inf, 86_401])
def test_limits_refuse_a_timeout_that_is_no_number_of_seconds(timeout: float) -> None:
    # An infinite one used to pass: the deadline's timer thread then died with an
    # OverflowError, and the render process's poll() raised one.
    with pytest.raises(ValueError, match="timeout must be more than 0 and at most 86400 s"):
        Limits(timeout=timeout)


@pytest.mark.parametrize("memory", [63, 0, -1])
def test_limits_refuse_too_little_memory(memory: int) -> None:
    with pytest.raises(ValueError, match="max_memory_mb must be at least 64"):
        Limits(max_memory_mb=memory)


# --- Deadline: remaining, expired, check ------------------------------------------------------


def test_a_fresh_deadline_has_its_seconds_left() -> None:
    deadline = Deadline(30)
    assert 29 < deadline.remaining() <= 30
    assert not deadline.expired()
    deadline.check()  # nothing raised


def test_a_passed_deadline_is_expired_with_nothing_left() -> None:
    deadline = Deadline(5, at=time.monotonic() - 1)
    assert deadline.remaining() == 0.0  # never negative
    assert deadline.expired()
    with pytest.raises(TimeLimitExceeded):
        deadline.check()


def test_a_deadline_runs_out() -> None:
    deadline = Deadline(0.05)
    assert not deadline.expired()
    time.sleep(0.1)
    assert deadline.expired() and deadline.remaining() == 0.0


# --- Deadline.enforce -------------------------------------------------------------------------


def test_enforce_interrupts_a_loop_in_the_main_thread() -> None:
    assert threading.current_thread() is threading.main_thread()
    started = time.monotonic()
    with pytest.raises(TimeLimitExceeded), Deadline(0.2).enforce():
        spin(30)
    assert time.monotonic() - started < 15  # the loop runs 30 s; generous under load


def test_enforce_interrupts_a_loop_in_a_worker_thread() -> None:
    outcome: list[BaseException | str] = []

    def work() -> None:
        try:
            with Deadline(0.2).enforce():
                spin(30)
            outcome.append("not interrupted")
        except TimeLimitExceeded as error:
            outcome.append(error)

    started = time.monotonic()
    worker = threading.Thread(target=work)
    worker.start()
    worker.join(25)
    assert not worker.is_alive()
    assert time.monotonic() - started < 15  # the loop runs 30 s; generous under load
    [result] = outcome
    assert isinstance(result, TimeLimitExceeded)


def test_only_the_thread_that_entered_the_block_is_interrupted() -> None:
    rounds: list[int] = []
    bystander = threading.Thread(target=lambda: rounds.append(spin(0.6)))
    bystander.start()
    with pytest.raises(TimeLimitExceeded), Deadline(0.1).enforce():
        spin(30)
    bystander.join(10)
    assert len(rounds) == 1 and rounds[0] > 0  # it ran to its end


def test_enforce_checks_before_it_starts() -> None:
    with pytest.raises(TimeLimitExceeded), Deadline(5, at=time.monotonic() - 1).enforce():
        pytest.fail("the block must not run")


def test_nothing_fires_after_the_block_ended() -> None:
    with Deadline(0.1).enforce():
        spin(0.01)
    spin(0.4)  # the timer is cancelled: no exception may arrive here


def test_nothing_escapes_when_the_deadline_and_the_block_end_together() -> None:
    """A timer that fires as the block ends must not leave an exception pending that surfaces
    in later, unrelated code."""
    outcomes = set()
    for round in range(120):
        try:
            with Deadline(0.003).enforce():
                spin(0.001 * (round % 6))  # ends before, about when, or after the deadline
            outcomes.add("ended")
        except TimeLimitExceeded:
            outcomes.add("interrupted")
        spin(0.004)  # a stray exception would be raised here, outside any try
    assert "ended" in outcomes


def test_enforce_nests_the_inner_deadline_firing() -> None:
    with Deadline(10).enforce():
        with pytest.raises(TimeLimitExceeded), Deadline(0.1).enforce():
            spin(30)
        spin(0.3)  # the outer block goes on, undisturbed
    spin(0.1)


def test_enforce_nests_the_outer_deadline_firing() -> None:
    started = time.monotonic()
    with pytest.raises(TimeLimitExceeded), Deadline(0.2).enforce(), Deadline(10).enforce():
        spin(30)
    assert time.monotonic() - started < 15  # the loop runs 30 s; generous under load
    spin(0.3)


# --- nesting_depth ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "depth"),
    [
        ("", 0),
        ("plain text", 0),
        ("<p>one</p>", 1),
        ("<ul><li><p>three</p></li></ul>", 3),
        ("<p>a<br>b<img src=x>c</p>", 1),  # void elements open nothing
        ("<div></div><div><div></div></div>", 2),
        ("</p></p><p>x</p>", 1),  # stray end tags never make it negative
    ],
)
def test_nesting_depth(html: str, depth: int) -> None:
    assert nesting_depth(html) == depth


def test_nesting_depth_of_a_deep_document() -> None:
    deep = "<blockquote>" * (MAX_DEPTH + 5) + "x" + "</blockquote>" * (MAX_DEPTH + 5)
    assert nesting_depth(deep) == MAX_DEPTH + 5
