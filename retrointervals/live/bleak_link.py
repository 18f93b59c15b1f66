"""Real treadmills: a thin ``GattLink`` over bleak, the cross-platform Bluetooth LE client.

Needs the ``live`` extra (``pip install 'retrointervals[live]'``). Not exercised in CI (it talks to the operating
system's Bluetooth stack); every byte it moves goes through ``retrointervals.live.ftms``, which is tested.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from retrointervals.errors import LiveSessionError
from retrointervals.live import ftms

__all__ = ["SCAN_TIMEOUT_S", "BleakLink", "open_bleak_link"]

#: How long to look for a treadmill, in seconds.
SCAN_TIMEOUT_S = 15.0

_EXTRA = "walking a real treadmill needs bleak: pip install 'retrointervals[live]'"


class BleakLink:
    """A connected FTMS server through bleak (build it with ``open_bleak_link``)."""

    def __init__(self, client: Any, name: str) -> None:  # noqa: ANN401 - a bleak.BleakClient, imported lazily
        self._client = client
        self._name = name
        self._on_disconnect: list[Callable[[], None]] = []

    @property
    def name(self) -> str:
        """The treadmill's advertised name."""
        return self._name

    @property
    def connected(self) -> bool:
        """Whether bleak says the link is up."""
        return bool(self._client.is_connected)

    def has(self, uuid: int) -> bool:
        """Whether the treadmill has the characteristic."""
        return self._client.services.get_characteristic(ftms.uuid128(uuid)) is not None

    async def read(self, uuid: int) -> bytes:
        """Read a characteristic."""
        return bytes(await self._client.read_gatt_char(ftms.uuid128(uuid)))

    async def write(self, uuid: int, data: bytes) -> None:
        """Write a characteristic with response."""
        await self._client.write_gatt_char(ftms.uuid128(uuid), data, response=True)

    async def subscribe(self, uuid: int, callback: Callable[[bytes], None]) -> None:
        """Start notifications or indications (bleak picks the one the characteristic offers)."""
        await self._client.start_notify(ftms.uuid128(uuid), lambda _sender, data: callback(bytes(data)))

    def on_disconnect(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` when the connection drops."""
        self._on_disconnect.append(callback)

    def lost(self, _client: object = None) -> None:
        """Called by bleak when the connection drops."""
        for callback in self._on_disconnect:
            callback()

    async def close(self) -> None:
        """Disconnect."""
        if self._client.is_connected:
            await self._client.disconnect()


async def open_bleak_link(device: str | None = None, timeout: float = SCAN_TIMEOUT_S) -> BleakLink:
    """Find a treadmill advertising the Fitness Machine Service (by name or address when given) and connect."""
    try:
        from bleak import BleakClient, BleakScanner  # noqa: PLC0415 - optional extra
    except ImportError:
        raise LiveSessionError(_EXTRA) from None
    service = ftms.uuid128(ftms.FITNESS_MACHINE_SERVICE)

    def wanted(found: Any, advertisement: Any) -> bool:  # noqa: ANN401 - bleak's BLEDevice, AdvertisementData
        if device is not None:
            return device.lower() in {str(found.address).lower(), str(found.name or "").lower()}
        return service in [str(uuid).lower() for uuid in advertisement.service_uuids]

    try:
        found = await BleakScanner.find_device_by_filter(wanted, timeout=timeout)
    except Exception as error:  # noqa: BLE001 - no adapter, no permission, no Bluetooth service
        raise LiveSessionError(f"cannot scan for Bluetooth devices: {error}") from None
    if found is None:
        what = f"'{device}'" if device else "a treadmill with the Fitness Machine Service"
        raise LiveSessionError(f"found no {what} within {timeout:g} s; is it on and not connected to another app?")
    link = BleakLink(None, str(found.name or found.address))
    client = BleakClient(found, disconnected_callback=link.lost)
    link._client = client
    try:
        await client.connect()
    except Exception as error:  # noqa: BLE001 - bleak raises several kinds
        raise LiveSessionError(f"cannot connect to {link.name}: {error}") from None
    return link
