"""The one error every normaliser raises."""

from __future__ import annotations


class NormaliseError(ValueError):
    """A value that cannot be normalised.

    `field` names the record field when the caller knows it (the normalisers
    themselves mostly do not, so it is usually filled in by the loader through
    `with_field`); `reason` is a sentence a customs analyst understands.
    """

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason if field is None else f"{field}: {reason}")
        self.field = field
        self.reason = reason

    def with_field(self, field: str) -> NormaliseError:
        """The same error, attributed to a record field."""
        return NormaliseError(self.reason, field=field)
