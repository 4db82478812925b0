"""Files written whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path


class replacing:  # noqa: N801 - used as a context manager, like open()
    """A temporary path beside `path`, renamed onto it when the block succeeds, else removed.

    A reader (or a file manager's preview) never sees half a file, and a failed or cancelled
    export leaves the previous file in place.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.temporary = self.path.with_name(f".{self.path.name}.part")

    def __enter__(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return self.temporary

    def __exit__(self, kind, *_):
        if kind is None:
            os.replace(self.temporary, self.path)
        else:
            self.temporary.unlink(missing_ok=True)
        return False
