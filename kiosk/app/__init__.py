"""The kiosk app: settings.py (the loop's timing rules), kiosk.py (state, effects, content sync; no
pygame), feed.py (camera, pipelines, frame health, demo, exposure lock), observers.py (rep-log sessions,
week count, metrics, heap trim), script.py (button scripts, the recorder), view.py (what a frame
shows), display.py, app.py (one frame), loop.py (the loop), wiring.py (the one place that builds
devices)."""

from kiosk.app.app import App
from kiosk.app.script import Recorder, ScriptEvent, load_script

__all__ = ["App", "Recorder", "ScriptEvent", "load_script"]
