"""Level parameters and progression settings: every number the generator and the rules use, in one place.

Each number is tagged with where it comes from, as in the evidence notes (``../shared/docs/evidence.md``):
``[S]`` a published source (cited), ``[S2]`` a secondary source, ``[D]`` a design choice of this library, not a
finding. ``docs/progression.md`` explains them. A clinician can tighten or relax any of them with
``attrs.evolve`` and check a plan against their own ``ProgressionRules``.
"""

from __future__ import annotations

import enum
from fractions import Fraction

import attrs

from retrointervals.errors import ValidationError
from retrointervals.model import Level

__all__ = ["DEFAULT_RULES", "LevelRules", "ProgressionRules", "TurnMode", "WeekSpec", "rules_from_json"]


class TurnMode(enum.Enum):
    """How the walker turns around before and after each backward bout (evidence notes §11.3, rule T1).

    No study describes how walkers turned around on a treadmill, so both modes are design choices [D].
    """

    #: The walker stops the belt, turns while it stands still, and starts it again slowly; the step ends when the
    #: walker presses the lap button. The default at every level (T2) [D].
    STOP = "stop"
    #: The belt keeps running slowly and the walker turns holding the handrails; only from the intermediate
    #: level, on a treadmill with handrails, when asked for (T2) [D].
    SLOW = "slow"


@attrs.frozen
class WeekSpec:
    """One week's prescription: every session of the week is the same.

    Attributes:
        bouts: Backward bouts per session.
        bout_s: Length of each backward bout, in seconds (a multiple of 15).
        fraction: Backward speed as a fraction of the comfortable forward speed (before caps and snapping).
        incline_pct: Incline during backward bouts, in percent.
        label: What changed this week: ``start``, ``volume``, ``speed``, ``incline``, ``deload`` or ``hold``.
        deload: A planned lighter week.
    """

    bouts: int
    bout_s: int
    fraction: Fraction
    incline_pct: Fraction = Fraction(0)
    label: str = "volume"
    deload: bool = False

    @property
    def backward_s(self) -> int:
        """Backward seconds per session (B)."""
        return self.bouts * self.bout_s


@attrs.frozen(kw_only=True)
class LevelRules:
    """The parameters of one level (evidence notes §6.2 and §6.6)."""

    level: Level
    #: Default plan length in weeks.
    weeks: int
    #: Allowed sessions per week (lowest, highest); the default is the lowest.
    sessions_per_week: tuple[int, int]
    #: No backward-walking sessions on consecutive days (rule W8).
    nonconsecutive_days: bool
    #: Backward bouts per session (lowest, highest).
    bouts: tuple[int, int]
    #: Longest backward bout, seconds (rule S4).
    bout_cap_s: int
    #: Most backward seconds per session (rule S4).
    session_cap_s: int
    #: Shortest forward recovery between bouts, seconds (rule S5).
    recovery_s: int
    #: Recovery must also be at least as long as the bout before it (rule S5, rehab).
    recovery_at_least_bout: bool
    #: Allowed backward speed as a fraction of the forward speed F (rule S7 uses the upper end).
    fraction_band: tuple[Fraction, Fraction]
    #: Absolute backward speed cap, km/h (rule S7).
    backward_cap_kmh: Fraction
    #: Highest incline during backward bouts, percent (rule S8).
    incline_max_pct: Fraction
    #: Above this incline (percent), the backward fraction must not exceed ``fraction_above_incline`` (S8).
    incline_threshold_pct: Fraction | None
    fraction_above_incline: Fraction | None
    #: Weeks (from 1) in which backward bouts are walked holding the handrails; None means every week (S9).
    handrail_weeks: int | None
    #: Weeks (from 1) that must be deload weeks when the plan is that long (rule W5).
    deload_weeks: tuple[int, ...]
    #: Backward-walking weeks a walker has completed before entering this level (rule W7).
    completed_weeks_before: int
    #: Whether the beginner level has been completed before entering this level (rule W7).
    beginner_completed_before: bool
    #: The default week-by-week progression (evidence notes §6.3); week 1 is the level's entry dose (W10).
    table: tuple[WeekSpec, ...]
    #: Whether the walker may opt in to slow-belt turns (T2) [D]; the default is always a stopped belt.
    slow_turns_allowed: bool = False
    #: Who the level is for, in plain words (evidence notes §6.2 and §10.3) [D].
    who: str = ""
    #: Where the level's numbers come from, one line each, with the evidence tags.
    evidence: tuple[str, ...] = ()

    @property
    def entry(self) -> WeekSpec:
        """The level's first week: its entry dose (rule W10)."""
        return self.table[0]

    @property
    def max_turns(self) -> int:
        """Turn-arounds per session at most: two per bout (T6)."""
        return 2 * self.bouts[1]

    def entry_speed_ceiling(self, forward_kmh: Fraction, treadmill_max_kmh: Fraction) -> Fraction:
        """The fastest backward speed of a plan's first week, km/h: the entry fraction of F, within S7 (W10)."""
        return min(self.entry.fraction * forward_kmh, self.backward_speed_ceiling(forward_kmh, treadmill_max_kmh))

    def handrails_in_week(self, week: int) -> bool:
        """Whether backward bouts of this week are walked holding the handrails (S9)."""
        return self.handrail_weeks is None or week <= self.handrail_weeks

    def backward_speed_ceiling(
        self, forward_kmh: Fraction, treadmill_max_kmh: Fraction, incline_pct: Fraction = Fraction(0)
    ) -> Fraction:
        """The fastest backward speed allowed, in km/h.

        That is min(band top x F, level cap, treadmill's fastest) (rule S7), and on an incline above the threshold
        at most ``fraction_above_incline`` x F (rule S8). The generator, the checker and the breakers all use it.
        """
        ceiling = min(self.fraction_band[1] * forward_kmh, self.backward_cap_kmh, treadmill_max_kmh)
        threshold, fraction = self.incline_threshold_pct, self.fraction_above_incline
        if threshold is not None and fraction is not None and incline_pct > threshold:
            ceiling = min(ceiling, fraction * forward_kmh)
        return ceiling


@attrs.frozen(kw_only=True)
class ProgressionRules:
    """Everything the rules check against; the defaults follow the evidence notes (§6.4 and §6.6)."""

    levels: dict[Level, LevelRules]
    #: Comfortable forward speed accepted, km/h [D]; Bohannon norms are 3.4-5.2 km/h [S].
    forward_speed_range_kmh: tuple[Fraction, Fraction] = (Fraction(2), Fraction(13, 2))
    #: Warm-up: at least this long (S2) [Blog A 2-5 min, a blog post; Whitley 3-5 min]; the generator uses
    #: ``warmup_s``.
    warmup_min_s: int = 120
    warmup_s: int = 300
    #: Cool-down: at least this long (S3) [efsma 3-5 min; NCT05585385 5 min]; the generator uses ``cooldown_s``.
    cooldown_min_s: int = 180
    cooldown_s: int = 300
    #: Warm-up and cool-down speeds as fractions of F [D]; both at most F (S2, S3).
    warmup_fraction: Fraction = Fraction(9, 10)
    cooldown_fraction: Fraction = Fraction(8, 10)
    #: Transitions around every backward bout: at least this long, at most this fast [D] (S1, S6).
    transition_s: int = 15
    transition_max_kmh: Fraction = Fraction(1)
    #: Weekly volume cap: B <= B_ref + max(ratio * B_ref, floor) (W4) [D; Buist 2008, Nielsen 2014 (running)].
    volume_ratio: Fraction = Fraction(1, 4)
    volume_floor_s: int = 120
    #: Deload week volume as a fraction of the week before (W5) [D].
    deload_range: tuple[Fraction, Fraction] = (Fraction(3, 5), Fraction(4, 5))
    #: A deload is due after this many consecutive progression weeks once B reaches ``deload_from_s`` (W5) [D].
    deload_after_weeks: int = 3
    deload_from_s: int = 900
    #: Largest weekly rise of the backward speed fraction and of the absolute speed (W6) [D; Heath 2001].
    fraction_step: Fraction = Fraction(1, 20)
    speed_step_kmh: Fraction = Fraction(3, 10)
    #: Largest weekly incline rise, percentage points (W7) [D].
    incline_step_pct: Fraction = Fraction(2)
    #: Incline only after this many completed backward weeks, and the beginner level completed (W7) [D].
    incline_after_weeks: int = 8
    #: Every duration is a multiple of this many seconds [D].
    granularity_s: int = 15
    #: Shortest and longest plan the generator makes, in weeks [D].
    plan_weeks_range: tuple[int, int] = (1, 16)
    #: A slow-belt turn-around lasts this long at least and at most, seconds (T4) [D].
    slow_turn_range_s: tuple[int, int] = (15, 30)
    #: A stopped-belt turn-around: the expected time the plan counts, and the longest expected time (T4) [D].
    stopped_turn_s: int = 30
    stopped_turn_max_s: int = 60
    #: Session days as offsets from the first day of each week, by sessions per week [D]: spread out, never
    #: back to back for 3 a week.
    session_days: tuple[tuple[int, ...], ...] = ((0, 2, 4), (0, 1, 3, 5), (0, 1, 2, 4, 5))

    def level(self, level: Level) -> LevelRules:
        """The parameters of a level."""
        return self.levels[level]

    def volume_limit(self, reference_s: Fraction | int) -> Fraction:
        """The most backward time a week may have after a week of ``reference_s`` (rule W4).

        That is the reference plus the larger of ``volume_ratio`` of it and ``volume_floor_s``.
        """
        return reference_s + self.volume_rise(reference_s)

    def volume_rise(self, reference_s: Fraction | int) -> Fraction:
        """The largest weekly rise of backward time after a week of ``reference_s`` (rule W4)."""
        return max(self.volume_ratio * reference_s, Fraction(self.volume_floor_s))

    def deload_bounds(self, before_s: Fraction | int) -> tuple[Fraction, Fraction]:
        """The backward time a deload week after a week of ``before_s`` may have, lowest and highest (W5)."""
        low, high = self.deload_range
        return low * before_s, high * before_s

    def speed_step_limit(self, forward_kmh: Fraction) -> Fraction:
        """The largest weekly rise of the backward speed, km/h: min(fraction step x F, absolute step) (W6)."""
        return min(self.speed_step_kmh, self.fraction_step * forward_kmh)

    def days(self, sessions: int) -> tuple[int, ...]:
        """Session day offsets within a week for this many sessions."""
        for offsets in self.session_days:
            if len(offsets) == sessions:
                return offsets
        raise ValidationError("sessions_per_week", sessions, "has no session days in the rules")


def _f(text: str) -> Fraction:
    return Fraction(text)


def _weeks(*rows: tuple[int, int, str, str, str]) -> tuple[WeekSpec, ...]:
    """Week rows as (bouts, bout seconds, fraction, incline %, label)."""
    return tuple(
        WeekSpec(bouts, bout_s, _f(fraction), _f(incline), label, deload=label == "deload")
        for bouts, bout_s, fraction, incline, label in rows
    )


# L0, rehabilitation. Anchors: Alghadir 2019 10 min x 3/wk x 6 wk [S]; Blog A 2-5 -> 5-10 min (a blog post) [S2];
# Fritz 2013: fallers walk backward below 0.6 m/s (2.2 km/h), hence the 2.5 km/h cap [S/D].
REHAB = LevelRules(
    level=Level.REHAB,
    weeks=6,
    sessions_per_week=(3, 3),  # [S] Alghadir 3/wk; non-consecutive days [S2 ACSM initial stage]
    nonconsecutive_days=True,
    bouts=(4, 6),  # [D]
    bout_cap_s=120,  # [D]
    session_cap_s=600,  # [S] Alghadir 10 min
    recovery_s=120,  # [D] at least the bout length
    recovery_at_least_bout=True,  # [D]
    fraction_band=(_f("0.40"), _f("0.50")),  # [D] "about half your forward pace" [S2]
    backward_cap_kmh=_f("2.5"),  # [D] near Fritz's 0.6 m/s faller threshold [S]
    incline_max_pct=_f("0"),  # [S2: Blog B, a blog post] slopes raise fall risk
    incline_threshold_pct=None,
    fraction_above_incline=None,
    handrail_weeks=None,  # every week [D]; press-quoted PTs "hands on rails" [S2]
    deload_weeks=(),
    completed_weeks_before=0,
    beginner_completed_before=False,
    who=(
        "People routed to a gentle start (evidence notes E3): age 65 or over, knee osteoarthritis or low back pain "
        "without red flags, a falls self-check score of 4 or more without a fall, or a 3-m backward walk over 3.0 s "
        "and under 4.5 s. Not for anyone who should see a clinician first, nor after a stroke or with another "
        "neurological or balance condition (supervised use only)"
    ),
    evidence=(
        (
            "3 sessions a week for 6 weeks: the frequency and length of Alghadir 2019 (knee OA, 10 supervised "
            "minutes a session, added to physiotherapy) [S]; this level gives 62.5 % of that trial's backward "
            "minutes, unsupervised, in short bouts [D]"
        ),
        "3 -> 10 backward minutes a session: Blog A's 2-5 then 5-10 minutes (a blog post, not a study) [S2] [D]",
        "backward speed 0.40-0.50 of your forward speed: 'about half your forward pace', physical therapists [S2] [D]",
        "backward speed at most 2.5 km/h: near Fritz 2013's 0.6 m/s (2.2 km/h) seen in older fallers [S] [D]",
        "flat only: Blog B warns that slopes raise fall risk (a blog post) [S2] [D]",
    ),
    table=_weeks(
        (6, 30, "0.40", "0", "start"),
        (6, 45, "0.40", "0", "volume"),
        (6, 60, "0.40", "0", "volume"),
        (6, 60, "0.45", "0", "speed"),
        (4, 120, "0.45", "0", "volume"),
        (5, 120, "0.45", "0", "volume"),
    ),
)

# L1, beginner (healthy adults). Anchors: Whitley 2011 10-15 min x 4/wk x 4 wk [S]; Dufek 2011 10-15 x 3 x 3 [S];
# Heath 2001 15 x 3 x 4 [S]; Hadfield 2017 5 min warm-up + 10 min x 3 x 4 [S].
BEGINNER = LevelRules(
    level=Level.BEGINNER,
    weeks=4,
    # [D] The notes allow up to 4, but 4 sessions on non-consecutive days cannot fit weeks back to back
    # (the 4th session and the next week's 1st would be consecutive), so the beginner level keeps 3.
    sessions_per_week=(3, 3),
    nonconsecutive_days=True,
    bouts=(4, 5),  # [D]
    bout_cap_s=180,  # [D]
    session_cap_s=900,  # [S] Whitley/Heath 15 min
    recovery_s=90,  # [D]
    recovery_at_least_bout=False,
    fraction_band=(_f("0.45"), _f("0.60")),  # [D]
    backward_cap_kmh=_f("3.5"),  # [D]
    incline_max_pct=_f("0"),  # [S2: Blog B] no incline for beginners [D]
    incline_threshold_pct=None,
    fraction_above_incline=None,
    handrail_weeks=2,  # [D] hold the rails in weeks 1-2, then a light touch is allowed
    deload_weeks=(),
    completed_weeks_before=0,
    beginner_completed_before=False,
    who=(
        "Healthy adults under 65 (evidence notes E4): every PAR-Q answer no, no fall in the last 12 months, and a "
        "3-m backward walk of 3.0 s or less; or a walker who has finished the rehab level"
    ),
    evidence=(
        "10-15 minutes, 3-4 times a week for 3-4 weeks: Whitley 2011, Dufek 2011, Heath 2001 (healthy adults) [S]",
        "6 -> 12 backward minutes a session, cap 15: a design choice anchored on those trials [D]",
        "backward speed 0.45-0.60 of your forward speed, at most 3.5 km/h [D]",
        "flat only; hands on the rails in weeks 1-2 [D]",
    ),
    table=_weeks(
        (4, 90, "0.50", "0", "start"),
        (4, 120, "0.50", "0", "volume"),
        (5, 120, "0.50", "0", "volume"),
        (4, 180, "0.50", "0", "volume"),
    ),
)

# L2, intermediate (after the beginner level). Anchors: Cha 2016 20 min x 5/wk x 4 wk [S]; Hao 2011 25 min [S].
INTERMEDIATE = LevelRules(
    level=Level.INTERMEDIATE,
    weeks=6,
    sessions_per_week=(3, 4),  # [D]
    nonconsecutive_days=False,
    bouts=(4, 6),  # [D]
    bout_cap_s=240,  # [D]
    session_cap_s=1200,  # [S] Cha 20 min
    recovery_s=60,  # [D]
    recovery_at_least_bout=False,
    fraction_band=(_f("0.55"), _f("0.75")),  # [D]
    backward_cap_kmh=_f("4.5"),  # [D] Cipriani 1995 used 4.0 km/h [S]
    incline_max_pct=_f("4"),  # [D] from week 5 only (rule W7)
    incline_threshold_pct=None,
    fraction_above_incline=None,
    handrail_weeks=0,  # [D] optional
    deload_weeks=(4,),  # [D]
    completed_weeks_before=4,  # the beginner level's 4 weeks [D]
    beginner_completed_before=True,
    slow_turns_allowed=True,
    who="Walkers who have finished the beginner level (no direct entry; evidence notes E5)",
    evidence=(
        "20 minutes, 5 times a week for 4 weeks: Cha 2016 (healthy adults, 3 km/h at 10 %) [S]; Hao 2011 25 min [S]",
        "12 -> 18 backward minutes a session, cap 20; a deload in week 4 [D]",
        "backward speed 0.55-0.75 of your forward speed, at most 4.5 km/h (Cipriani 1995 used 4.0 km/h [S]) [D]",
        "incline up to 4 %, from week 5 only [D]",
    ),
    table=_weeks(
        (4, 180, "0.55", "0", "speed"),
        (5, 180, "0.55", "0", "volume"),
        (5, 180, "0.60", "0", "speed"),
        (4, 180, "0.60", "0", "deload"),
        (6, 180, "0.60", "0", "volume"),
        (6, 180, "0.60", "2", "incline"),
    ),
)

# L3, advanced (after the intermediate level). Anchors: Rose 2018 / Chang 2021 30 min sessions [S]; Terblanche 2005
# up to 45 min [S2]; Cha 2016 10 % incline at 3 km/h [S]; Hooper 2004 5-10 % [S].
ADVANCED = LevelRules(
    level=Level.ADVANCED,
    weeks=8,
    sessions_per_week=(3, 5),  # [D] 5 only when asked for, as in Cha 2016 [S]
    nonconsecutive_days=False,
    bouts=(4, 6),  # [D]
    bout_cap_s=360,  # [D]
    session_cap_s=1800,  # [S] Rose/Chang 30 min
    recovery_s=60,  # [D]
    recovery_at_least_bout=False,
    fraction_band=(_f("0.60"), _f("0.85")),  # [D]
    backward_cap_kmh=_f("5.5"),  # [D] below Heath/Chaloupka lab speeds and the 6.7 km/h walk-run transition [S]
    incline_max_pct=_f("10"),  # [S] Cha 10 %, Hooper 5-10 %
    incline_threshold_pct=_f("5"),  # [D] above 5 % ...
    fraction_above_incline=_f("0.60"),  # ... at most 0.60 F (Cha: 3 km/h at 10 %) [S/D]
    handrail_weeks=0,  # [D] optional
    deload_weeks=(4, 8),  # [D]
    completed_weeks_before=10,  # beginner 4 + intermediate 6 weeks [D]
    beginner_completed_before=True,
    slow_turns_allowed=True,
    who="Walkers who have finished the intermediate level (no direct entry; evidence notes E5)",
    evidence=(
        (
            "30-minute sessions: two supervised stroke trials (Rose 2018, Chang 2021) [S], used here as a cap for "
            "healthy walkers [D]; Terblanche 2005 up to 45 minutes (secondary sources) [S2]"
        ),
        "18 -> 30 backward minutes a session, cap 30; deloads in weeks 4 and 8 [D]",
        "backward speed 0.60-0.85 of your forward speed, at most 5.5 km/h [D]",
        "incline up to 10 % (Cha 2016, Hooper 2004) [S]; above 5 % at most 0.60 of your forward speed [D]",
    ),
    table=_weeks(
        (6, 180, "0.65", "2", "speed"),
        (5, 240, "0.65", "2", "volume"),
        (5, 240, "0.65", "4", "incline"),
        (4, 240, "0.65", "4", "deload"),
        (6, 240, "0.65", "4", "volume"),
        (6, 240, "0.70", "4", "speed"),
        (6, 300, "0.70", "4", "volume"),
        (6, 240, "0.70", "4", "deload"),
    ),
)

#: The evidence-based defaults.
DEFAULT_RULES = ProgressionRules(levels={rules.level: rules for rules in (REHAB, BEGINNER, INTERMEDIATE, ADVANCED)})


def rules_from_json(text: str | bytes, source: str = "", base: ProgressionRules = DEFAULT_RULES) -> ProgressionRules:
    """A clinician's own rules: ``base`` with the values a JSON object overrides.

    The object holds any ``ProgressionRules`` field by name (``"volume_ratio": 0.2``) and, under ``"levels"``, any
    ``LevelRules`` field per level (``{"levels": {"beginner": {"session_cap_s": 600}}}``). Pairs are JSON arrays.
    The week tables cannot be overridden.

    Raises:
        FormatError: The text is not such an object, or names an unknown field or a value of the wrong kind.
    """
    from retrointervals._rules_file import rules_from_json as read  # noqa: PLC0415 - it imports this module

    return read(text, source, base)
