"""Old import path of the step-text codec: the names of ``retrointervals.formats.steptext`` under their old names."""

from __future__ import annotations

from retrointervals.formats.steptext import NoteFields
from retrointervals.formats.steptext import label as step_label
from retrointervals.formats.steptext import note as step_note
from retrointervals.formats.steptext import parse_label as parse_step_label
from retrointervals.formats.steptext import parse_note as parse_step_note

__all__ = ["NoteFields", "parse_step_label", "parse_step_note", "step_label", "step_note"]
