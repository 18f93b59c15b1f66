"""File formats. Each format is one module with the same small API (write and read).

- ``native``: the lossless, versioned retrointervals JSON (``"format": "retrointervals/1"``, extension ``.json``).

Modules are imported on demand so that ``import retrointervals`` stays light.
"""
