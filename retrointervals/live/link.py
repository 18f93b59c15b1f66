"""The transport abstraction: a GATT link that moves FTMS bytes, and the typed FTMS client over it.

A transport (in-memory simulator, bumble virtual link, bleak for real machines) implements ``GattLink``: read a
characteristic, write the Control Point, subscribe to notifications and indications, and report a lost
connection. ``FtmsClient`` does the rest once, for every transport: decoding, one Control Point procedure at a
time, and a time limit on every answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol

import attrs

from retrointervals.errors import FormatError, LiveSessionError, RetroIntervalsError
from retrointervals.live import ftms
from retrointervals.live.ftms import (
    ControlRequest,
    ControlResponse,
    InclinationRange,
    MachineFeatures,
    MachineStatus,
    SpeedRange,
    TreadmillData,
)

__all__ = ["RESPONSE_TIMEOUT_S", "FtmsClient", "GattLink", "MachineInfo"]

#: How long (loop seconds, i.e. real seconds outside tests) the machine has to answer a Control Point request.
RESPONSE_TIMEOUT_S = 3.0


class GattLink(Protocol):
    """A connection to one FTMS server, moving raw bytes. UUIDs are 16-bit assigned numbers."""

    @property
    def name(self) -> str:
        """The machine's name as advertised (or the simulator's)."""
        ...

    @property
    def connected(self) -> bool:
        """Whether the link is up."""
        ...

    def has(self, uuid: int) -> bool:
        """Whether the server has this characteristic."""
        ...

    async def read(self, uuid: int) -> bytes:
        """Read a characteristic's value."""
        ...

    async def write(self, uuid: int, data: bytes) -> None:
        """Write a characteristic (with response)."""
        ...

    async def subscribe(self, uuid: int, callback: Callable[[bytes], None]) -> None:
        """Enable notifications or indications of a characteristic; ``callback`` gets each value."""
        ...

    def on_disconnect(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once when the connection is lost."""
        ...

    async def close(self) -> None:
        """Disconnect."""
        ...


@attrs.frozen
class MachineInfo:
    """What a treadmill says it can do."""

    name: str
    features: MachineFeatures
    speed_range: SpeedRange
    inclination_range: InclinationRange | None


class FtmsClient:
    """Typed FTMS over a ``GattLink``: ranges, Control Point procedures one at a time, data and status callbacks."""

    def __init__(self, link: GattLink, timeout: float = RESPONSE_TIMEOUT_S) -> None:
        self.link = link
        self.timeout = timeout
        self._lock = asyncio.Lock()
        self._pending: asyncio.Future[ControlResponse] | None = None
        self._data_callbacks: list[Callable[[TreadmillData], None]] = []
        self._status_callbacks: list[Callable[[MachineStatus], None]] = []
        self.bad_notifications = 0

    async def start(self) -> MachineInfo:
        """Read what the machine can do and subscribe to its data, status and Control Point answers."""
        for uuid in (ftms.FEATURE, ftms.SUPPORTED_SPEED_RANGE, ftms.CONTROL_POINT, ftms.TREADMILL_DATA):
            if not self.link.has(uuid):
                raise LiveSessionError(
                    f"{self.link.name} has no FTMS characteristic 0x{uuid:04X}: it cannot be driven over FTMS"
                )
        try:
            features = MachineFeatures.decode(await self.link.read(ftms.FEATURE))
            speed_range = SpeedRange.decode(await self.link.read(ftms.SUPPORTED_SPEED_RANGE))
            inclination_range = None
            if self.link.has(ftms.SUPPORTED_INCLINATION_RANGE) and features.can_set_inclination:
                inclination_range = InclinationRange.decode(await self.link.read(ftms.SUPPORTED_INCLINATION_RANGE))
        except FormatError as error:
            raise LiveSessionError(f"{self.link.name} sent an unreadable value: {error}") from None
        await self.link.subscribe(ftms.CONTROL_POINT, self._on_indication)
        await self.link.subscribe(ftms.TREADMILL_DATA, self._on_data)
        if self.link.has(ftms.STATUS):
            await self.link.subscribe(ftms.STATUS, self._on_status)
        return MachineInfo(self.link.name, features, speed_range, inclination_range)

    def on_data(self, callback: Callable[[TreadmillData], None]) -> None:
        """Call ``callback`` with every Treadmill Data notification."""
        self._data_callbacks.append(callback)

    def on_status(self, callback: Callable[[MachineStatus], None]) -> None:
        """Call ``callback`` with every Fitness Machine Status notification."""
        self._status_callbacks.append(callback)

    async def request(self, request: ControlRequest) -> ControlResponse:
        """Send one Control Point request and wait for its answer (at most ``timeout`` loop seconds).

        Raises:
            LiveSessionError: The link is down, the write failed, or no answer came in time.
        """
        async with self._lock:
            if not self.link.connected:
                raise LiveSessionError("the Bluetooth connection to the treadmill is lost", belt_may_run=True)
            loop = asyncio.get_running_loop()
            self._pending = loop.create_future()
            try:
                await asyncio.wait_for(self.link.write(ftms.CONTROL_POINT, request.encode()), self.timeout)
                response = await asyncio.wait_for(self._pending, self.timeout)
            except TimeoutError:
                raise LiveSessionError(
                    f"the treadmill did not answer {request.op.name} within {self.timeout:g} s", belt_may_run=True
                ) from None
            except RetroIntervalsError:
                raise
            except Exception as error:  # noqa: BLE001 - any transport failure means the command may not have arrived
                raise LiveSessionError(f"sending {request.op.name} failed: {error}", belt_may_run=True) from None
            finally:
                self._pending = None
        if response.request != request.op:
            raise LiveSessionError(
                f"the treadmill answered op code 0x{response.request:02x} to {request.op.name}", belt_may_run=True
            )
        return response

    def _on_indication(self, data: bytes) -> None:
        try:
            response = ControlResponse.decode(data)
        except FormatError:
            self.bad_notifications += 1
            return
        if self._pending is not None and not self._pending.done():
            self._pending.set_result(response)

    def _on_data(self, data: bytes) -> None:
        try:
            value = TreadmillData.decode(data)
        except FormatError:
            self.bad_notifications += 1
            return
        for callback in self._data_callbacks:
            callback(value)

    def _on_status(self, data: bytes) -> None:
        try:
            value = MachineStatus.decode(data)
        except FormatError:
            self.bad_notifications += 1
            return
        for callback in self._status_callbacks:
            callback(value)
