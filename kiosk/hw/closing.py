"""What every hardware adapter is: an owner of a resource with an idempotent `close()`, usable in a
`with` block (as gpiozero's devices are). Subclasses define `close()`."""

from __future__ import annotations


class Closing:
    def close(self) -> None:
        """Release what this owns; safe to call twice."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
