"""The printed report in a real browser: headless Chromium prints a 4-week plan on at most 4 A4 or Letter pages,
and at a phone's 390 px width the page needs no sideways scrolling.

``.ci/run`` installs Debian's ``chromium``; these tests skip, with the reason, only where no Chromium can be found.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from retrointervals import Speed
from retrointervals.plans import generate_plan
from retrointervals.render.html import plan_report
from retrointervals.treadmill import MPH, WALKING_PAD

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_BROWSER = os.environ.get("RETROINTERVALS_CHROMIUM") or next(
    (found for name in _CANDIDATES if (found := shutil.which(name))), None
)
pytestmark = pytest.mark.skipif(_BROWSER is None, reason="no Chromium found (.ci/run installs Debian's chromium)")

_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)

# Four-week plans that stress the page count: the most sessions a week, slow turns, mph, a machine without rails.
PLANS = {
    "beginner": lambda: generate_plan("beginner", Speed.kmh(4.5), weeks=4),
    "rehab-mph": lambda: generate_plan("rehab", Speed.mph(2.8), MPH, weeks=4),
    "advanced-5-a-week-slow": lambda: generate_plan(
        "advanced", Speed.kmh(6.5), weeks=4, sessions_per_week=5, turn="slow"
    ),
    "walking-pad-5-a-week": lambda: generate_plan(
        "advanced", Speed.kmh(4.0), WALKING_PAD, weeks=4, sessions_per_week=5
    ),
}


def _chromium(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    assert _BROWSER is not None
    profile = tmp_path / "profile"
    return subprocess.run(
        [_BROWSER, *_FLAGS, f"--user-data-dir={profile}", *arguments],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.mark.parametrize("paper", ["A4", "letter"])
@pytest.mark.parametrize("name", list(PLANS))
def test_a_four_week_plan_prints_on_at_most_four_pages(name: str, paper: str, tmp_path: Path) -> None:
    report = plan_report(PLANS[name]())
    # The page leaves the paper size to the printer; the test sets each size in turn.
    page = tmp_path / "plan.html"
    page.write_text(report.replace("</style>", f"@page {{ size: {paper}; }}</style>", 1), encoding="utf-8")
    pdf = tmp_path / "plan.pdf"
    ran = _chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert pdf.exists(), ran.stderr[-2000:]
    pages = _pages(pdf.read_bytes())
    assert 1 <= pages <= 4, f"{name} on {paper}: {pages} pages"


def test_the_page_count_is_read_from_a_real_pdf(tmp_path: Path) -> None:
    # A sanity check of the counting itself: a page forced to break three times prints on 4 pages.
    page = tmp_path / "breaks.html"
    page.write_text("<p>1</p>" + '<p style="break-before: page">x</p>' * 3, encoding="utf-8")
    pdf = tmp_path / "breaks.pdf"
    _chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert _pages(pdf.read_bytes()) == 4


def _phone_widths(tmp_path: Path, report: str) -> tuple[int, int]:
    """(scroll width, client width) of the report in a 390 px wide frame, read back from the browser's DOM."""
    frame = f"""<!DOCTYPE html><html><body style="margin:0">
<iframe id="phone" style="width:390px;height:844px;border:0" srcdoc="{html.escape(report, quote=True)}"></iframe>
<script>
const phone = document.getElementById("phone");
phone.addEventListener("load", () => {{
  const root = phone.contentDocument.documentElement;
  document.body.setAttribute("data-widths", root.scrollWidth + "/" + root.clientWidth);
}});
</script></body></html>"""
    page = tmp_path / "phone.html"
    page.write_text(frame, encoding="utf-8")
    ran = _chromium(tmp_path, "--window-size=800,900", "--virtual-time-budget=5000", "--dump-dom", page.as_uri())
    found = re.search(r'data-widths="(\d+)/(\d+)"', ran.stdout)
    assert found, ran.stderr[-2000:]
    return int(found.group(1)), int(found.group(2))


@pytest.mark.parametrize("name", list(PLANS))
def test_on_a_phone_nothing_scrolls_sideways(name: str, tmp_path: Path) -> None:
    scroll, client = _phone_widths(tmp_path, plan_report(PLANS[name]()))
    assert client <= 390
    assert scroll <= client, f"{name}: {scroll} px of content in a {client} px wide phone"


def test_the_phone_check_sees_a_page_that_is_too_wide(tmp_path: Path) -> None:
    wide = plan_report(PLANS["beginner"]()).replace("</body>", '<div style="width:600px">wide</div></body>')
    scroll, client = _phone_widths(tmp_path, wide)
    assert scroll > client
