"""The simulated treadmill served over a virtual Bluetooth LE link: bumble runs both ends in this process.

Two virtual controllers share an in-memory link (bumble's ``LocalLink``). One device is the treadmill: a GATT
server with the Fitness Machine Service, whose characteristics read from and write to a ``SimulatedTreadmill``.
The other is our client, which discovers the service and moves bytes like a real Bluetooth client would: ATT reads,
writes with response, notifications and indications. No Bluetooth hardware is involved. The server does not ask
for encryption on the Control Point (the spec's Table 4.1 does); real machines may.

Needs the ``live`` extra (``pip install 'retrointervals[live]'``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from retrointervals.errors import LiveSessionError
from retrointervals.live import ftms
from retrointervals.live.simulator import SimulatedTreadmill

__all__ = ["BumbleLink", "open_bumble_link"]

_READABLE = (ftms.FEATURE, ftms.SUPPORTED_SPEED_RANGE, ftms.SUPPORTED_INCLINATION_RANGE)
_SERVER_ADDRESS = "F0:F0:F0:F0:F0:F0"
_CLIENT_ADDRESS = "F1:F1:F1:F1:F1:F1"


class BumbleLink:
    """A ``GattLink`` over bumble's virtual link to a simulated treadmill (build it with ``open_bumble_link``)."""

    def __init__(self, treadmill: SimulatedTreadmill) -> None:
        self.treadmill = treadmill
        self._proxies: dict[int, Any] = {}  # bumble's CharacteristicProxy (untyped library)
        self._server_characteristics: dict[int, Any] = {}
        self._server: Any = None
        self._connection: Any = None
        self._connected = False
        self._on_disconnect: list[Callable[[], None]] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._ticker: asyncio.Task[None] | None = None

    @property
    def name(self) -> str:
        """The simulator's name."""
        return self.treadmill.name

    @property
    def connected(self) -> bool:
        """Whether the virtual connection is up."""
        return self._connected

    def has(self, uuid: int) -> bool:
        """Whether the discovered service has the characteristic."""
        return uuid in self._proxies

    async def read(self, uuid: int) -> bytes:
        """An ATT read."""
        return bytes(await self._proxies[uuid].read_value())

    async def write(self, uuid: int, data: bytes) -> None:
        """An ATT write with response."""
        if not self._connected:
            raise ConnectionError("the virtual Bluetooth link is down")
        await self._proxies[uuid].write_value(data, with_response=True)

    async def subscribe(self, uuid: int, callback: Callable[[bytes], None]) -> None:
        """Enable indications (Control Point) or notifications (the others)."""
        await self._proxies[uuid].subscribe(
            lambda value: callback(bytes(value)), prefer_notify=uuid != ftms.CONTROL_POINT
        )
        if self._ticker is None:
            self._ticker = asyncio.create_task(self.treadmill.run())

    def on_disconnect(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` when the connection drops."""
        self._on_disconnect.append(callback)

    async def close(self) -> None:
        """Stop the simulator and disconnect."""
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        if self._connected and self._connection is not None:
            self._connected = False
            with contextlib.suppress(Exception):
                await self._connection.disconnect()
        for task in list(self._tasks):
            task.cancel()

    # --- the server side ---------------------------------------------------------------------------------------

    def _spawn(self, coroutine: Any) -> None:  # noqa: ANN401 - a bumble coroutine (untyped library)
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _notify(self, uuid: int, value: bytes) -> None:
        characteristic = self._server_characteristics.get(uuid)
        if characteristic is None or not self._connected:
            return
        if uuid == ftms.CONTROL_POINT:
            self._spawn(self._server.indicate_subscribers(characteristic, value))
        else:
            self._spawn(self._server.notify_subscribers(characteristic, value))

    def _on_control_write(self, _connection: object, value: bytes) -> None:
        answer = self.treadmill.control(bytes(value))
        # The indication follows the write's response, as on a real machine.
        asyncio.get_running_loop().call_soon(self._notify, ftms.CONTROL_POINT, answer)

    def _drop(self) -> None:
        if self._connection is not None and self._connected:
            self._spawn(self._connection.disconnect())

    def _lost(self, *_args: object) -> None:
        if not self._connected:
            return
        self._connected = False
        for callback in self._on_disconnect:
            callback()


async def open_bumble_link(treadmill: SimulatedTreadmill) -> BumbleLink:
    """Start two virtual Bluetooth devices, serve the treadmill on one, connect from the other, discover FTMS."""
    try:
        from bumble.controller import Controller  # noqa: PLC0415 - optional extra
        from bumble.core import UUID  # noqa: PLC0415
        from bumble.device import Device, Peer  # noqa: PLC0415
        from bumble.gatt import Characteristic, CharacteristicValue, Service  # noqa: PLC0415
        from bumble.hci import Address  # noqa: PLC0415
        from bumble.host import Host  # noqa: PLC0415
        from bumble.link import LocalLink  # noqa: PLC0415
        from bumble.transport.common import AsyncPipeSink  # noqa: PLC0415
    except ImportError:
        raise LiveSessionError(
            "the simulator's virtual Bluetooth link needs bumble: pip install 'retrointervals[live]'"
        ) from None

    link = BumbleLink(treadmill)
    local = LocalLink()
    devices = []
    for index, address in enumerate((_SERVER_ADDRESS, _CLIENT_ADDRESS)):
        controller = Controller(f"C{index}", link=local, public_address=address)
        devices.append(Device(address=Address(address), host=Host(controller, AsyncPipeSink(controller))))
    server, client = devices

    properties = Characteristic.Properties
    readable = Characteristic.READABLE
    writable = Characteristic.WRITEABLE

    def reader(uuid: int) -> Callable[[object], bytes]:
        return lambda _connection: treadmill.read(uuid)

    characteristics = [
        Characteristic(UUID.from_16_bits(uuid), properties.READ, readable, CharacteristicValue(read=reader(uuid)))
        for uuid in _READABLE
        if uuid in treadmill.characteristics()
    ]
    characteristics += [
        Characteristic(UUID.from_16_bits(ftms.TREADMILL_DATA), properties.NOTIFY, readable, b""),
        Characteristic(UUID.from_16_bits(ftms.STATUS), properties.NOTIFY, readable, b""),
        Characteristic(
            UUID.from_16_bits(ftms.CONTROL_POINT),
            properties.WRITE | properties.INDICATE,
            writable,
            CharacteristicValue(write=link._on_control_write),
        ),
    ]
    server.add_service(Service(UUID.from_16_bits(ftms.FITNESS_MACHINE_SERVICE), characteristics))
    link._server = server
    link._server_characteristics = {
        int(str(characteristic.uuid.to_hex_str()), 16): characteristic for characteristic in characteristics
    }
    treadmill.notify = link._notify
    treadmill.disconnect = link._drop

    for device in devices:
        await device.power_on()
    connected: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    server.once("connection", connected.set_result)
    await server.start_advertising(advertising_interval_min=1.0)
    connection = await client.connect(server.random_address)
    await connected
    connection.on("disconnection", link._lost)
    link._connection = connection
    link._connected = True

    peer = Peer(connection)
    await peer.discover_services([UUID.from_16_bits(ftms.FITNESS_MACHINE_SERVICE)])
    for service in peer.services:
        await service.discover_characteristics()
        for characteristic in service.characteristics:
            link._proxies[int(characteristic.uuid.to_hex_str(), 16)] = characteristic
    if ftms.CONTROL_POINT not in link._proxies:
        raise LiveSessionError("the virtual treadmill's FTMS service was not found over the virtual link")
    return link
