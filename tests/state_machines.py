"""How the lifecycle state machines run (issue #31): a bounded number of random examples in CI, and the seeded
proof that a machine's invariants can fail."""

from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

# The machines use the test's database and clock fixtures, and a step drives real services (slow by design).
_SHARED = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}


def run_machine(machine, *, examples: int, steps: int) -> None:
    """Random sequences, new each run."""
    run_state_machine_as_test(machine, settings=settings(max_examples=examples, stateful_step_count=steps, **_SHARED))


def run_seeded_proof(machine, *, examples: int, steps: int) -> None:
    """The same machine on a fixed seed: repeatable, and without shrinking, since finding the failure is the proof."""
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=steps,
            derandomize=True,
            database=None,
            phases=[Phase.generate],
            **_SHARED,
        ),
    )
