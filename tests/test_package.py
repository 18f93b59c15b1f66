"""The package surface: light import, typed, public names exported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import retrointervals


def test_import_is_light() -> None:
    code = (
        "import sys, retrointervals; "
        "heavy = [m for m in ('lxml', 'fitdecode', 'hypothesis', 'json') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert ran.stdout.strip() == ""


def test_public_names_exist_and_package_is_typed() -> None:
    for name in retrointervals.__all__:
        assert hasattr(retrointervals, name), name
    assert (Path(retrointervals.__file__).parent / "py.typed").is_file()


def test_errors_form_one_hierarchy() -> None:
    from retrointervals.errors import OutputExistsError  # noqa: PLC0415

    for error in (retrointervals.ValidationError, retrointervals.FormatError, OutputExistsError):
        assert issubclass(error, retrointervals.RetroIntervalsError)
    assert issubclass(retrointervals.ValidationError, ValueError)
    assert issubclass(OutputExistsError, FileExistsError)
