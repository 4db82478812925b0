"""Files written whole or not at all."""

from __future__ import annotations

import errno
import os
from collections.abc import Sequence
from pathlib import Path

EARLIER_FOLDER = "earlier"  # inside a staging folder: the earlier files set aside by publish()


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


def publish(staging: Path, folder: Path, removing: Sequence[Path] = ()) -> None:
    """Move every file of `staging` (a folder on the same disk as `folder`, inside it) into
    `folder`, each replacing the file of its name there, and take away the files `removing`
    of `folder` (an earlier run's files this one has none of).

    All or nothing: the earlier files are first set aside (renamed into `staging`), then the
    new ones moved in. A file that cannot be moved (open in Excel or a PDF reader on Windows)
    puts back what was set aside and removes what was moved in, so the folder keeps the
    earlier files whole, never half of each; the OSError raised names that file of `folder`.
    What was set aside stays in `staging`, removed with it."""
    names = sorted(path.name for path in staging.iterdir())
    going = [folder / name for name in names] + [path for path in removing]
    for path in going:
        # A folder of the file's name is not a file of an earlier run: set aside, it would be
        # removed with the staging folder, and what the user keeps in it with it.
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    aside = staging / EARLIER_FOLDER
    aside.mkdir()
    set_aside: list[Path] = []
    moved_in: list[Path] = []
    try:
        for path in going:
            if path.exists():
                _move(path, aside / path.name, named=path)
                set_aside.append(path)
        for name in names:
            _move(staging / name, folder / name, named=folder / name)
            moved_in.append(folder / name)
    except OSError:
        for path in moved_in:
            path.unlink(missing_ok=True)
        for path in set_aside:
            (aside / path.name).replace(path)
        raise


def _move(source: Path, target: Path, named: Path) -> None:
    """Rename source to target; an OSError names `named`, the file of the output folder."""
    try:
        source.replace(target)
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(named)) from error
