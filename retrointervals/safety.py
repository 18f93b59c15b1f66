"""The safety note shown by the command line, the docs and every report. The library gives no medical advice."""

__all__ = ["SAFETY_NOTE"]

SAFETY_NOTE = (
    "Safety: retrointervals gives no medical advice. Check that your treadmill's manual allows walking "
    "backward (some forbid it). Clip the safety key to your clothing, start the belt slowly, hold the "
    "handrails when walking backward, and ask a clinician before starting if you have any doubt."
)
