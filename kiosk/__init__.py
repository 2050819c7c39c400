"""Crux Fitness hip-hinge kiosk."""

__version__ = "0.1.0"

import os as _os

# pygame prints a greeting on import; the CLI's output is for staff and scripts
_os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
