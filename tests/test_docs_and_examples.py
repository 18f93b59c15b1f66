"""Every Python block in README.md and docs/ runs, and every example script runs and stays current."""

from __future__ import annotations

import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from retrointervals.formats import native

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
BLOCKS = [
    pytest.param(block, id=f"{path.name}-{number}")
    for path in DOCUMENTS
    for number, block in enumerate(BLOCK.findall(path.read_text(encoding="utf-8")), start=1)
]
SCRIPTS = sorted((ROOT / "examples").glob("*.py"))


@pytest.mark.parametrize("code", BLOCKS)
def test_documented_python_runs(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "<doc>", "exec"), {"__name__": "__doc_example__"})  # noqa: S102 - our own docs


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_example_scripts_run(script: Path, tmp_path: Path) -> None:
    ran = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, check=False, timeout=300
    )
    assert ran.returncode == 0, ran.stderr


def test_example_json_is_what_the_example_script_builds() -> None:
    build = runpy.run_path(str(ROOT / "examples" / "build_workout.py"))["build"]
    assert native.read(ROOT / "examples" / "backward-intervals.json") == build()
    assert (ROOT / "examples" / "backward-intervals.json").read_text(encoding="utf-8") == native.to_json(build())


def test_progression_docs_cover_every_rule_and_level() -> None:
    from retrointervals.model import Level  # noqa: PLC0415
    from retrointervals.plans import RULES  # noqa: PLC0415

    text = (ROOT / "docs" / "progression.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"| {rule} |" in text, rule
    for level in Level:
        assert level.value in text


@pytest.mark.parametrize(
    "module",
    [
        "retrointervals",
        "retrointervals.treadmill",
        "retrointervals.plans",
        "retrointervals.formats",
        "retrointervals.export",
        "retrointervals.strategies",
    ],
)
def test_the_api_reference_names_every_public_name(module: str) -> None:
    import importlib  # noqa: PLC0415

    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for name in importlib.import_module(module).__all__:
        assert f"`{name}" in text or f"{name}`" in text or f" {name}" in text, f"{module}.{name}"
