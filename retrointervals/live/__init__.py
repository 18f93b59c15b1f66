"""Walk a session live: drive a Bluetooth FTMS treadmill step by step, with direction-aware safety."""
