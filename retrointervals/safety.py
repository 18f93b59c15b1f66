"""The safety texts shown by the command line, the docs and every report. The library gives no medical advice.

Every text here restates the evidence notes (``../shared/docs/evidence.md``): the screening questions and red flags
of §10 (PAR-Q, ACSM, CDC STEADI, NHS red-flag lists), the warning signs of §9 (Allina Health), the form cues of
§11.2 (Blog B, a blog post) and the turning advice of §11.3, which no study has tested [D]. None of the texts
mentions handrails, so they fit every treadmill; plans say where rails are held.
"""

__all__ = ["FORM_CUES", "RED_FLAGS", "SAFETY_NOTE", "SCREENING_QUESTIONS", "STOP_SIGNS"]

SAFETY_NOTE = (
    "Safety: retrointervals gives no medical advice. Check that your treadmill's manual allows walking "
    "backward (some forbid it). Clip the safety key to your clothing, start the belt slowly, keep 2 m clear "
    "behind the treadmill, and ask a clinician before starting if you have any doubt."
)

#: Ask a clinician before starting if any answer is yes (PAR-Q [S2], ACSM 2015 [S], CDC STEADI [S]; rule E1 [D]).
SCREENING_QUESTIONS: tuple[str, ...] = (
    "Has a doctor said you have a heart condition, or do you take medicine for your blood pressure or heart?",
    "Do you get chest pain when you are active, or did you have chest pain at rest in the past month?",
    "Do you lose your balance because of dizziness, or have you ever lost consciousness?",
    "Do you have a bone, joint or back problem that being more active could make worse?",
    "Have you fallen in the past 12 months, or used or been advised to use a cane or walker?",
    "Have you had surgery or an injury of your back or legs in the last 12 weeks, or are you pregnant?",
    (
        "Have you had a stroke, Parkinson's, MS, a balance (vestibular) disorder or another condition that affects "
        "walking? Then walk backward only with a clinician's plan and supervision."
    ),
    "Is there any other reason you should not be more active?",
)

#: Red flags: see a clinician, do not start or continue (NHS Gloucestershire g-care red-flag lists [S]).
RED_FLAGS: tuple[str, ...] = (
    "Back: loss of bladder or bowel control, numbness in the saddle area, new or worsening leg weakness.",
    "Back: a history of cancer, unexplained weight loss, pain at night, fever or a recent infection.",
    "Knee: a hot, red or swollen knee, a locked knee, or being unable to take weight or bend it.",
)

#: Stop the session, and see a clinician before the next one (Allina Health [S]; pain band > 5 [S2]; R6 [D]).
STOP_SIGNS: tuple[str, ...] = (
    "chest pain, pressure or tightness",
    "feeling faint, dizzy or sick, or a cold sweat",
    "a racing, pounding or irregular heartbeat",
    "breathlessness that stops you talking",
    "new numbness, tingling or weakness",
    "pain above 5 out of 10, or pain that keeps rising",
    "losing your balance: stop the belt (pull the safety key) rather than reaching for the console",
)

#: Form cues (Blog B, a blog post [S2: Blog B]), as the evidence notes adapt them to a treadmill [D].
FORM_CUES: tuple[str, ...] = (
    "Feet about shoulder-width apart, both in the middle of the belt.",
    "Knees a little bent; reach back with the toes first, then the whole foot.",
    "Trunk muscles braced.",
    "Eyes straight ahead, not down and not over your shoulder toward the console.",
    "At first, a partner stands beside the machine, within reach of the stop key, never behind it.",
)
