"""The few numbers of the FIT profile that retrointervals writes and reads, defined once.

Taken from the Garmin FIT SDK profile 21.218 (``garmin_fit_sdk/profile.py``); ``tests/test_fit.py`` checks every
number here against both fitdecode's generated profile and garmin-fit-sdk's, so a typo cannot hide. fitdecode's
profile module is generated and not a documented API, hence this small snapshot instead of importing it.
"""

from __future__ import annotations

import enum

__all__ = [
    "FIT_EPOCH_UNIX_S",
    "INVALID_ENUM",
    "INVALID_UINT32",
    "MAX_STRING_BYTES",
    "PROFILE_VERSION",
    "PROTOCOL_VERSION",
    "SCHEDULE_MESG_NUM",
    "BaseType",
    "FileIdField",
    "FileType",
    "Intensity",
    "Manufacturer",
    "MesgNum",
    "Schedule",
    "ScheduleField",
    "Sport",
    "SubSport",
    "WktStepDuration",
    "WktStepTarget",
    "WorkoutField",
    "WorkoutStepField",
]

#: FIT ``date_time`` counts seconds from 1989-12-31T00:00:00Z, which is this many seconds after the Unix epoch.
FIT_EPOCH_UNIX_S = 631065600
#: Protocol 2.0 in the header byte (high nibble major, low nibble minor), as Garmin's own encoders write.
PROTOCOL_VERSION = 0x20
#: Profile 21.218, stored as major * 1000 + minor like Garmin's current encoders (older files use major * 100 + minor).
PROFILE_VERSION = 21218
#: A string field is at most 255 bytes including its null terminator.
MAX_STRING_BYTES = 254
INVALID_ENUM = 0xFF
INVALID_UINT32 = 0xFFFFFFFF


class BaseType(enum.IntEnum):
    """Base-type bytes of the fields we write (bit 7 marks multi-byte types)."""

    ENUM = 0x00
    SINT8 = 0x01
    UINT8 = 0x02
    STRING = 0x07
    UINT8Z = 0x0A
    BYTE = 0x0D
    SINT16 = 0x83
    UINT16 = 0x84
    SINT32 = 0x85
    UINT32 = 0x86
    UINT16Z = 0x8B
    UINT32Z = 0x8C


class MesgNum(enum.IntEnum):
    """Global message numbers."""

    FILE_ID = 0
    WORKOUT = 26
    WORKOUT_STEP = 27


class FileIdField(enum.IntEnum):
    """Field numbers of ``file_id``."""

    TYPE = 0
    MANUFACTURER = 1
    PRODUCT = 2
    SERIAL_NUMBER = 3
    TIME_CREATED = 4


class WorkoutField(enum.IntEnum):
    """Field numbers of ``workout``."""

    SPORT = 4
    NUM_VALID_STEPS = 6
    WKT_NAME = 8
    SUB_SPORT = 11
    WKT_DESCRIPTION = 17


class WorkoutStepField(enum.IntEnum):
    """Field numbers of ``workout_step``."""

    WKT_STEP_NAME = 0
    DURATION_TYPE = 1
    DURATION_VALUE = 2
    TARGET_TYPE = 3
    TARGET_VALUE = 4
    CUSTOM_TARGET_VALUE_LOW = 5
    CUSTOM_TARGET_VALUE_HIGH = 6
    INTENSITY = 7
    NOTES = 8
    MESSAGE_INDEX = 254


class FileType(enum.IntEnum):
    """``file`` enum: the type of a FIT file (only the ones named in messages)."""

    DEVICE = 1
    SETTINGS = 2
    SPORT = 3
    ACTIVITY = 4
    WORKOUT = 5
    COURSE = 6
    SCHEDULES = 7
    WEIGHT = 9
    TOTALS = 10
    GOALS = 11
    BLOOD_PRESSURE = 14
    MONITORING_A = 15
    ACTIVITY_SUMMARY = 20
    MONITORING_DAILY = 28
    MONITORING_B = 32
    SEGMENT = 34
    SEGMENT_LIST = 35


class Manufacturer(enum.IntEnum):
    """``manufacturer`` enum (only the value we write)."""

    DEVELOPMENT = 255


class Sport(enum.IntEnum):
    """``sport`` enum: the value we write, and those a treadmill walk can come from."""

    GENERIC = 0
    RUNNING = 1
    FITNESS_EQUIPMENT = 4
    TRAINING = 10
    WALKING = 11
    HIKING = 17


class SubSport(enum.IntEnum):
    """``sub_sport`` enum (only the value we write)."""

    TREADMILL = 1


class Intensity(enum.IntEnum):
    """``intensity`` enum of a workout step."""

    ACTIVE = 0
    REST = 1
    WARMUP = 2
    COOLDOWN = 3
    RECOVERY = 4
    INTERVAL = 5
    OTHER = 6


class WktStepDuration(enum.IntEnum):
    """``wkt_step_duration`` enum: how a step ends."""

    TIME = 0
    DISTANCE = 1
    HR_LESS_THAN = 2
    HR_GREATER_THAN = 3
    CALORIES = 4
    OPEN = 5
    REPEAT_UNTIL_STEPS_CMPLT = 6
    REPEAT_UNTIL_TIME = 7
    REPEAT_UNTIL_DISTANCE = 8
    REPEAT_UNTIL_CALORIES = 9
    REPEAT_UNTIL_HR_LESS_THAN = 10
    REPEAT_UNTIL_HR_GREATER_THAN = 11
    REPEAT_UNTIL_POWER_LESS_THAN = 12
    REPEAT_UNTIL_POWER_GREATER_THAN = 13
    POWER_LESS_THAN = 14
    POWER_GREATER_THAN = 15
    TRAINING_PEAKS_TSS = 16
    REPEAT_UNTIL_POWER_LAST_LAP_LESS_THAN = 17
    REPEAT_UNTIL_MAX_POWER_LAST_LAP_LESS_THAN = 18
    POWER_3S_LESS_THAN = 19
    POWER_10S_LESS_THAN = 20
    POWER_30S_LESS_THAN = 21
    POWER_3S_GREATER_THAN = 22
    POWER_10S_GREATER_THAN = 23
    POWER_30S_GREATER_THAN = 24
    POWER_LAP_LESS_THAN = 25
    POWER_LAP_GREATER_THAN = 26
    REPEAT_UNTIL_TRAINING_PEAKS_TSS = 27
    REPETITION_TIME = 28
    REPS = 29
    TIME_ONLY = 31


class WktStepTarget(enum.IntEnum):
    """``wkt_step_target`` enum: what a step aims at."""

    SPEED = 0
    HEART_RATE = 1
    OPEN = 2
    CADENCE = 3
    POWER = 4
    GRADE = 5
    RESISTANCE = 6
    POWER_3S = 7
    POWER_10S = 8
    POWER_30S = 9
    POWER_LAP = 10
    SWIM_STROKE = 11
    SPEED_LAP = 12
    HEART_RATE_LAP = 13


# --- schedule files (fit_schedule.py) --------------------------------------------------------------

#: Global message number of ``schedule``: one planned workout (or course) on a date.
SCHEDULE_MESG_NUM = 28


class ScheduleField(enum.IntEnum):
    """Field numbers of ``schedule``; the first four equal the ``file_id`` of the scheduled workout file."""

    MANUFACTURER = 0
    PRODUCT = 1
    SERIAL_NUMBER = 2
    TIME_CREATED = 3
    COMPLETED = 4
    TYPE = 5
    SCHEDULED_TIME = 6


class Schedule(enum.IntEnum):
    """``schedule`` enum: what a schedule entry points at."""

    WORKOUT = 0
    COURSE = 1


# --- Activity files (recorded sessions; retrointervals.live.recorder) ---------------------------------------


class ActivityMesgNum(enum.IntEnum):
    """Global message numbers of an activity file."""

    SESSION = 18
    LAP = 19
    RECORD = 20
    EVENT = 21
    ACTIVITY = 34


class SessionField(enum.IntEnum):
    """Field numbers of ``session``."""

    EVENT = 0
    EVENT_TYPE = 1
    START_TIME = 2
    SPORT = 5
    SUB_SPORT = 6
    TOTAL_ELAPSED_TIME = 7
    TOTAL_TIMER_TIME = 8
    TOTAL_DISTANCE = 9
    AVG_SPEED = 14
    MAX_SPEED = 15
    FIRST_LAP_INDEX = 25
    NUM_LAPS = 26
    TRIGGER = 28
    AVG_GRADE = 52
    TIMESTAMP = 253
    MESSAGE_INDEX = 254


class LapField(enum.IntEnum):
    """Field numbers of ``lap``."""

    EVENT = 0
    EVENT_TYPE = 1
    START_TIME = 2
    TOTAL_ELAPSED_TIME = 7
    TOTAL_TIMER_TIME = 8
    TOTAL_DISTANCE = 9
    AVG_SPEED = 13
    MAX_SPEED = 14
    INTENSITY = 23
    LAP_TRIGGER = 24
    SPORT = 25
    SUB_SPORT = 39
    AVG_GRADE = 45
    WKT_STEP_INDEX = 71
    TIMESTAMP = 253
    MESSAGE_INDEX = 254


class RecordField(enum.IntEnum):
    """Field numbers of ``record``."""

    DISTANCE = 5
    SPEED = 6
    GRADE = 9
    TIMESTAMP = 253


class EventField(enum.IntEnum):
    """Field numbers of ``event``."""

    EVENT = 0
    EVENT_TYPE = 1
    DATA = 3
    EVENT_GROUP = 4
    TIMESTAMP = 253


class ActivityField(enum.IntEnum):
    """Field numbers of ``activity``."""

    TOTAL_TIMER_TIME = 0
    NUM_SESSIONS = 1
    TYPE = 2
    EVENT = 3
    EVENT_TYPE = 4
    LOCAL_TIMESTAMP = 5
    TIMESTAMP = 253


class Event(enum.IntEnum):
    """``event`` enum (the values we write)."""

    TIMER = 0
    SESSION = 8
    LAP = 9
    ACTIVITY = 26


class EventType(enum.IntEnum):
    """``event_type`` enum (the values we write)."""

    START = 0
    STOP = 1
    STOP_ALL = 4


class LapTrigger(enum.IntEnum):
    """``lap_trigger`` enum (the values we write)."""

    MANUAL = 0
    TIME = 1
    SESSION_END = 7


class SessionTrigger(enum.IntEnum):
    """``session_trigger`` enum (the value we write)."""

    ACTIVITY_END = 0


class ActivityType(enum.IntEnum):
    """``activity`` enum (the value we write)."""

    MANUAL = 0


__all__ += [
    "ActivityField",
    "ActivityMesgNum",
    "ActivityType",
    "Event",
    "EventField",
    "EventType",
    "LapField",
    "LapTrigger",
    "RecordField",
    "SessionField",
    "SessionTrigger",
]
