"""Files written whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path


class replacing:  # noqa: N801 - used as a context manager, like open()
    """A temporary path beside `path`, renamed onto it when the block succeeds, else removed.

    A reader (or a file manager's preview) never sees half a file, and a failed or cancelled
    export leaves the previous file in place. When the rename fails (on Windows, a file open
    in Excel cannot be replaced) the temporary goes too and the OSError is raised: a hidden
    `.name.part` left beside the file would be a second copy nobody asked for.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.temporary = self.path.with_name(f".{self.path.name}.part")

    def __enter__(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return self.temporary

    def __exit__(self, kind, *_):
        if kind is None:
            try:
                os.replace(self.temporary, self.path)
            except OSError:
                self.temporary.unlink(missing_ok=True)
                raise
        else:
            self.temporary.unlink(missing_ok=True)
        return False
