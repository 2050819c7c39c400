"""What the screen says: the built-in content, a staff content directory over it, every field checked.

fields.py  what each field means and allows (the one table)     model.py  the content as plain data
check.py   reading and checking (no pygame: a ScreenCheck is passed in)   diff.py  what would change
live.py    an edit going live on a running kiosk (watch, check, swap, last good)
"""

from kiosk.content.check import ScreenCheck, check_content, contrast_ratio, load_content, resolve
from kiosk.content.diff import diff
from kiosk.content.fields import (
    ASSETS,
    CUE_KEYS,
    DEFAULT_PATH,
    FIELDS,
    FILE_NAME,
    LIVE_DIR,
    SMALLEST_SCREEN,
    default_values,
    describe_fields,
    display_key,
)
from kiosk.content.model import Benefit, Content, Image, Problem, StepText, Theme

__all__ = [
    "ASSETS",
    "CUE_KEYS",
    "DEFAULT_PATH",
    "FIELDS",
    "FILE_NAME",
    "LIVE_DIR",
    "SMALLEST_SCREEN",
    "Benefit",
    "Content",
    "Image",
    "Problem",
    "ScreenCheck",
    "StepText",
    "Theme",
    "check_content",
    "contrast_ratio",
    "default_values",
    "describe_fields",
    "diff",
    "display_key",
    "load_content",
    "resolve",
]
