"""A rehabilitation plan for knee osteoarthritis at 3.5 km/h on a US (mph) treadmill, with every file.

The rehab level follows Alghadir 2019 (knee OA: 10 min of backward walking, 3 times a week, 6 weeks). A clinician
should clear the walker first. Run: python examples/knee_oa_plan.py [FOLDER]   (default: ./knee-oa-plan)
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
plan = generate_plan("rehab", Speed.kmh(3.5), MPH, start=dt.date(2026, 11, 23))
assert check(plan) == [], "a generated plan always follows the progression rules"

files = export_plan(plan, folder, overwrite=True)
print(f"{plan.name}: {len(files)} files in {folder}/")
for week_number, week in enumerate(plan.weeks, start=1):
    workout = week.sessions[0].workout
    dates = ", ".join(f"{plan.session_date(week_number - 1, i):%a %d %b}" for i in range(len(week.sessions)))
    print(f"  week {week_number} ({dates}): {workout.description.split(': ', 1)[1]}")
print(SAFETY_NOTE)
