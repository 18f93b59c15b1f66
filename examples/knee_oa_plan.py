"""A rehab-level plan for a walker with knee osteoarthritis, 2.2 mph on a US (mph) treadmill, with every file.

What the rehab level is, exactly: it borrows the frequency and length of Alghadir 2019 (knee OA: 10 minutes of
supervised backward walking added to physiotherapy, 3 times a week for 6 weeks), but it is not that trial's protocol.
It builds from 3 to 10 backward minutes in short bouts, unsupervised, so over 6 weeks it gives 62.5 % of the trial's
backward minutes; the trial did not report how the walkers turned or whether they used a treadmill. Knee red flags
(a hot, swollen or locked knee) mean seeing a clinician first; the printed plan lists them. A clinician should clear
the walker before starting. Run: python examples/knee_oa_plan.py [FOLDER]   (default: ./knee-oa-plan)
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from retrointervals import Speed
from retrointervals.export import export_plan
from retrointervals.plans import check, generate_plan
from retrointervals.safety import SAFETY_NOTE
from retrointervals.treadmill import MPH

folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("knee-oa-plan")
plan = generate_plan("rehab", Speed.mph(2.2), MPH, start=dt.date(2026, 11, 23))  # an mph plan speaks mph
assert check(plan) == [], "a generated plan always follows the progression rules"

files = export_plan(plan, folder, overwrite=True)
print(f"{plan.name}: {len(files)} files in {folder}/")
for week_number, week in enumerate(plan.weeks, start=1):
    workout = week.sessions[0].workout
    dates = ", ".join(f"{plan.session_date(week_number - 1, i):%a %d %b}" for i in range(len(week.sessions)))
    print(f"  week {week_number} ({dates}): {workout.description.split(': ', 1)[1]}")
print(SAFETY_NOTE)
