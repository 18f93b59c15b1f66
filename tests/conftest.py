"""Shared test configuration: hypothesis profiles and the interoperability corpus.

Profiles: ``dev`` (default, fast) and ``ci`` (thorough; ``.ci/run`` sets ``HYPOTHESIS_PROFILE=ci``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from retrointervals import Direction, Distance, Duration, Speed, Step, StepKind

settings.register_profile("dev", max_examples=40, deadline=None)
settings.register_profile(
    "ci",
    max_examples=300,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

ROOT = Path(__file__).resolve().parent.parent


def corpus_root() -> Path | None:
    """The shared corpus of real files: $RETROINTERVALS_CORPUS, else ../shared/corpus next to the checkout."""
    configured = os.environ.get("RETROINTERVALS_CORPUS")
    candidate = Path(configured) if configured else ROOT.parent / "shared" / "corpus"
    return candidate if candidate.is_dir() else None


@pytest.fixture
def corpus() -> Path:
    """The corpus folder; skips the test with the reason when it is absent."""
    root = corpus_root()
    if root is None:
        pytest.skip("interoperability corpus not found: set RETROINTERVALS_CORPUS or put shared/ beside the checkout")
    return root


def step(
    direction: Direction = Direction.FORWARD,
    kind: StepKind = StepKind.ACTIVE,
    length: Duration | Distance | None = None,
    speed: Speed | None = None,
    **fields: object,
) -> Step:
    """A step for format tests: one minute forward at 3.0 km/h unless told otherwise."""
    return Step(
        direction=direction,
        kind=kind,
        length=length or Duration.seconds(60),
        speed=speed or Speed.kmh(3.0),
        **fields,  # type: ignore[arg-type]
    )
