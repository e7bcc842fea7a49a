"""Atomic writes: a file or a folder appears whole or not at all, and never half-replaced.

Every file stridesim writes goes through :func:`write_text`, :func:`write_json` or
:func:`atomic_file`; run folders go through :func:`atomic_folder`, which also serializes two
processes publishing the same folder (an exclusive lock next to it), so neither can leave a
mixture of both.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serializable: {type(value)}")


def _umask_mode(mode: int) -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mode & ~mask


@contextlib.contextmanager
def atomic_file(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it replaces ``path``, on error it is removed."""
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".partial{path.suffix}", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, _umask_mode(0o666))  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically."""
    with atomic_file(path) as tmp:
        tmp.write_text(text)
    return Path(path)


def write_json(path: str | Path, data) -> Path:
    """Write ``data`` as indented JSON atomically (numpy values become plain numbers)."""
    return write_text(path, json.dumps(data, indent=2, default=_json_default))


@contextlib.contextmanager
def folder_lock(folder: str | Path) -> Iterator[None]:
    """An exclusive lock for publishing ``folder`` (held on ``folder.lock`` next to it)."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.with_name(folder.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def atomic_folder(folder: str | Path, guard: Callable[[], None] | None = None) -> Iterator[Path]:
    """Yield an empty private folder next to ``folder``; on success it becomes ``folder``.

    Each writer gets its own ``NAME.partial-*`` folder, so two writers never touch each
    other's files; the swap into place happens under :func:`folder_lock`, so the result is
    one writer's complete folder. ``guard`` runs under the lock just before the swap and may
    raise to refuse it (e.g. a result appeared meanwhile). On any error the private folder is
    removed and ``folder`` is left as it was (a folder moved aside is moved back).
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=folder.name + ".partial-", dir=folder.parent))
    try:
        yield partial
        os.chmod(partial, _umask_mode(0o777))
        with folder_lock(folder):
            if guard is not None:
                guard()
            old = None
            if folder.exists():
                old = Path(tempfile.mkdtemp(prefix=folder.name + ".old-", dir=folder.parent))
                os.replace(folder, old / folder.name)
            try:
                os.replace(partial, folder)
            except BaseException:
                if old is not None and not folder.exists():
                    os.replace(old / folder.name, folder)
                raise
            finally:
                if old is not None and not (old / folder.name).exists():
                    shutil.rmtree(old, ignore_errors=True)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise


def is_partial(path: Path) -> bool:
    """A folder or file left by an unfinished atomic write, or directly inside one (to be ignored)."""
    return any(".partial-" in name or ".old-" in name or name.endswith(".partial") for name in (path.name, path.parent.name))
