"""Walk a session live: drive a Bluetooth FTMS treadmill step by step, with direction-aware safety.

The pieces: ``ftms`` (the protocol, pure), ``link`` (the transport abstraction and the FTMS client), ``schedule``
(turns and commands from the timeline), ``session`` (the runner), ``simulator`` and ``bumble_link`` (a simulated
treadmill, in memory or over a virtual Bluetooth link), ``bleak_link`` (real machines), ``recorder`` (FIT activity
and trace), ``view`` and ``terminal`` (the walker's screen and keys). See docs/live.md.

Names are imported from their modules on first use, so ``import retrointervals.live`` stays light.
"""

from __future__ import annotations

import importlib

__all__ = [
    "FtmsClient",
    "GattLink",
    "InMemoryLink",
    "Key",
    "LiveSession",
    "MachineInfo",
    "Phase",
    "SessionClock",
    "SessionLog",
    "SessionView",
    "SimulatedTreadmill",
    "SimulatedWalker",
    "StepCommand",
    "Walker",
    "activity_fit",
    "plan_commands",
    "render",
    "run_virtual",
]

_HOMES = {
    **dict.fromkeys(("FtmsClient", "GattLink", "MachineInfo"), "retrointervals.live.link"),
    **dict.fromkeys(("InMemoryLink", "SimulatedTreadmill"), "retrointervals.live.simulator"),
    **dict.fromkeys(("Key", "SimulatedWalker", "Walker"), "retrointervals.live.walker"),
    **dict.fromkeys(("LiveSession", "SessionLog"), "retrointervals.live.session"),
    **dict.fromkeys(("Phase", "SessionView", "render"), "retrointervals.live.view"),
    **dict.fromkeys(("SessionClock", "run_virtual"), "retrointervals.live.clock"),
    **dict.fromkeys(("StepCommand", "plan_commands"), "retrointervals.live.schedule"),
    "activity_fit": "retrointervals.live.recorder",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'retrointervals.live' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
