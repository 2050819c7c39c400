"""One exception hierarchy. Messages say what went wrong, where, and what to do about it."""


class KioskError(Exception):
    """Base of every error the kiosk raises on purpose."""


class ConfigError(KioskError, ValueError):
    """A setting is missing, mistyped or out of range."""


class ContentError(KioskError, ValueError):
    """Staff content (TOML, images) is invalid. `problems` lists every one (kiosk.content.Problem)."""

    def __init__(self, message: str, problems: list | tuple = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


class ClipError(KioskError, ValueError):
    """A recorded clip cannot be read or is not a clip."""


class HardwareUnavailable(KioskError, RuntimeError):
    """A camera, pin or display the kiosk needs cannot be opened."""
