"""One load at a time, reads while it runs, and nothing left behind by a load that died.

DuckDB lets one process open a database file to write, and while it does no other process
may open the file at all, not even read-only. So:

- A load (``csphub ingest police-uk``) first takes the **load lock**, ``warehouse.lock``
  beside the warehouse: an operating-system lock on the file, which the system releases
  however the process ends (so a dead holder never blocks anyone), and in the file the
  holder's pid and start time, so a second load can say "another load is running (pid N,
  started HH:MM)". The second load stops at once, or waits up to ``CSPHUB_LOAD_WAIT_SECONDS``.
- Holding the lock, the load sweeps what a load that died left (``$CSPHUB_DATA_DIR/scratch``,
  where archives are extracted, and an old snapshot), then opens the warehouse, checkpoints it
  and copies it to ``warehouse.snapshot.duckdb``: the warehouse as it was before this load.
- A command that finds the warehouse held by the running load reads that snapshot,
  read-only, and says so; a command that writes is stopped with the same "another load is
  running" message. When the load ends the snapshot is deleted.

A record left in the lock file by a holder that died (it is emptied when a load ends) tells
the next load that the previous one did not finish; DuckDB has already rolled back whatever
that load had not committed (a police.uk load commits per batch of whole files, so the batch
it was in: see :mod:`csphub.analytics.police_uk`).

Examples:
    >>> files = LoadFiles(Path("/data/warehouse.duckdb"), Path("/data/scratch"))
    >>> files.lock.name, files.snapshot.name
    ('warehouse.lock', 'warehouse.snapshot.duckdb')
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from csphub.analytics.warehouse import connect
from csphub.errors import CsphubError
from csphub.settings import Settings

Notice = Callable[[str], None]

#: How long a load or a read waits for another program (a read, say) to close the warehouse.
BUSY_GRACE_SECONDS = 10
POLL_SECONDS = 0.1
# DuckDB's words when another process holds the file: '... Conflicting lock is held in
# /usr/bin/python3 (PID 27765) ...'.
DUCKDB_LOCK_CONFLICT = re.compile(r"Could not set lock on file.*\(PID (\d+)\)", re.DOTALL)


@dataclass(frozen=True)
class LoadFiles:
    """The files a load takes, makes and sweeps, for one warehouse."""

    warehouse: Path
    scratch: Path  # where archives are extracted: $CSPHUB_DATA_DIR/scratch

    @classmethod
    def of(cls, settings: Settings) -> LoadFiles:
        return cls(settings.warehouse_path, settings.data_dir / "scratch")

    @property
    def lock(self) -> Path:
        return self.warehouse.with_suffix(".lock")

    @property
    def snapshot(self) -> Path:
        return self.warehouse.with_name(f"{self.warehouse.stem}.snapshot{self.warehouse.suffix}")

    @property
    def partial_snapshot(self) -> Path:
        return self.snapshot.with_name(self.snapshot.name + ".partial")


@dataclass(frozen=True)
class LoadHolder:
    """The process holding the load lock, as its lock file records it."""

    pid: int
    started: datetime

    def __str__(self) -> str:
        when = "%H:%M" if self.started.date() == datetime.now().date() else "%d %b %Y %H:%M"
        return f"pid {self.pid}, started {self.started.strftime(when)}"


class LoadRunning(CsphubError):
    """Another load holds the warehouse."""

    def __init__(self, holder: LoadHolder | None, *, waited: int = 0, writes: bool = False,
                 no_snapshot: bool = False):
        self.holder = holder
        who = f" ({holder})" if holder else ""
        if writes:
            advice = "this command writes to the warehouse: run it again when the load has finished"
        elif no_snapshot:
            advice = ("it could not copy the warehouse for readers: run this again when it has "
                      "finished")
        else:
            waited_text = f"waited {waited} s; " if waited else ""
            advice = (f"{waited_text}run this again when it has finished, or set "
                      "CSPHUB_LOAD_WAIT_SECONDS to wait for it")
        super().__init__(f"another load is running{who}: {advice}")


class WarehouseInUse(CsphubError):
    """Another program (not a load) has the warehouse open."""

    def __init__(self, path: Path, pid: int):
        super().__init__(
            f"the warehouse {path} is open in another program (pid {pid}): run this again when "
            "it has finished")


# ---- the load lock ------------------------------------------------------------------------

def _try_lock(fd: int) -> bool:
    """Take the operating system's lock on the open lock file, without waiting."""
    try:
        if sys.platform == "win32":
            import msvcrt

            os.lseek(fd, 1 << 30, os.SEEK_SET)  # lock a byte past the record, which stays readable
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _recorded(path: Path) -> LoadHolder | None:
    """The holder a lock file records, or None (no file, emptied by a finished load, garbled)."""
    try:
        record = json.loads(path.read_text() or "null")
        return LoadHolder(int(record["pid"]), datetime.fromisoformat(record["started"]))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def running_load(files: LoadFiles) -> LoadHolder | None:
    """The load holding the warehouse now, or None (a record whose pid is dead is stale)."""
    holder = _recorded(files.lock)
    return holder if holder and _alive(holder.pid) else None


def _holder_of_lock(files: LoadFiles) -> LoadHolder | None:
    """The record of a lock another process holds; it may be a moment from being written."""
    for _ in range(10):
        if holder := _recorded(files.lock):
            return holder
        time.sleep(POLL_SECONDS)
    return None


def _acquire(fd: int, files: LoadFiles, wait_seconds: int, notice: Notice | None) -> None:
    deadline = time.monotonic() + wait_seconds
    told = False
    while not _try_lock(fd):
        holder = _holder_of_lock(files)
        if time.monotonic() >= deadline:
            raise LoadRunning(holder, waited=wait_seconds)
        if notice and not told:
            who = f" ({holder})" if holder else ""
            notice(f"waiting up to {wait_seconds} s for another load{who} to finish")
            told = True
        time.sleep(POLL_SECONDS)


def _sweep(files: LoadFiles) -> None:
    """Remove what an earlier load left: its extracted files and its snapshot."""
    if files.scratch.is_dir():
        for child in files.scratch.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    for path in (files.snapshot, files.partial_snapshot):
        path.unlink(missing_ok=True)


@contextmanager
def load_lock(files: LoadFiles, wait_seconds: int = 0,
              notice: Notice | None = None) -> Iterator[LoadHolder]:
    """Hold the load lock for the block, after sweeping what a dead load left; yield this
    process's record. Raises :class:`LoadRunning` when another load holds it past the wait."""
    files.lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(files.lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, files, wait_seconds, notice)
        unfinished = _recorded(files.lock)
        me = LoadHolder(os.getpid(), datetime.now().replace(microsecond=0))
        _write_record(fd, json.dumps({"pid": me.pid, "started": me.started.isoformat()}))
        try:
            _sweep(files)
            if unfinished and notice:
                notice(f"a previous load ({unfinished}) did not finish: the files it had "
                       "committed are kept, the batch it was loading is not (load the same "
                       "files again to finish), and its scratch files are removed")
            yield me
        finally:
            _write_record(fd, "")  # a finished load leaves an empty record
    finally:
        os.close(fd)  # releases the lock


def _write_record(fd: int, text: str) -> None:
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, text.encode())


# ---- opening the warehouse ----------------------------------------------------------------

def _conflicting_pid(error: duckdb.Error) -> int | None:
    """The pid DuckDB names when another process holds the file; None for any other error."""
    match = DUCKDB_LOCK_CONFLICT.search(str(error))
    return int(match.group(1)) if match else None


def _open_when_free(path: Path, grace: int, notice: Notice | None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse to write, waiting up to ``grace`` seconds for another program (a
    read that began before this load, say) to close it."""
    deadline = time.monotonic() + grace
    told = False
    while True:
        try:
            return connect(path)
        except duckdb.IOException as e:
            pid = _conflicting_pid(e)
            if pid is None:
                raise
            if time.monotonic() >= deadline:
                raise WarehouseInUse(path, pid) from e
            if notice and not told:
                notice(f"waiting up to {grace} s for another program (pid {pid}) to close the "
                       "warehouse")
                told = True
            time.sleep(POLL_SECONDS)


# The copy runs in a child process: DuckDB's lock is a POSIX record lock, which the kernel
# drops from a process as soon as that process closes *any* descriptor of the file, so
# copying in this process would quietly let a second writer in.
COPY_FILE = "import shutil, sys; shutil.copyfile(sys.argv[1], sys.argv[2])"


def _take_snapshot(con: duckdb.DuckDBPyConnection, files: LoadFiles, notice: Notice | None) -> None:
    """Copy the warehouse, checkpointed, for readers while this load runs. The copy appears
    whole (renamed into place) or not at all; without it, readers are told to wait."""
    con.execute("CHECKPOINT")
    copy = subprocess.run([sys.executable, "-c", COPY_FILE, str(files.warehouse),
                           str(files.partial_snapshot)], capture_output=True, text=True)
    if copy.returncode != 0:
        files.partial_snapshot.unlink(missing_ok=True)
        if notice:
            problem = (copy.stderr.strip().splitlines() or ["unknown error"])[-1]
            notice(f"could not copy the warehouse for readers ({problem}): commands that read "
                   "it will be told to wait for this load")
        return
    os.replace(files.partial_snapshot, files.snapshot)


@contextmanager
def writing(files: LoadFiles, wait_seconds: int = 0,
            notice: Notice | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse opened for a load: the load lock held, a dead load's leftovers swept, and
    a snapshot made for readers, deleted at the end."""
    with load_lock(files, wait_seconds, notice):
        con = _open_when_free(files.warehouse, max(wait_seconds, BUSY_GRACE_SECONDS), notice)
        try:
            _take_snapshot(con, files, notice)
            yield con
        finally:
            con.close()
            try:
                files.snapshot.unlink(missing_ok=True)
            except OSError:  # a reader still has it open (Windows): the next load sweeps it
                pass


def _open_for_reading(files: LoadFiles, read_only: bool, notice: Notice | None
                      ) -> tuple[duckdb.DuckDBPyConnection, LoadHolder | None]:
    deadline = time.monotonic() + BUSY_GRACE_SECONDS
    while True:
        try:
            return connect(files.warehouse, read_only=read_only and files.warehouse.exists()), None
        except duckdb.IOException as e:
            pid = _conflicting_pid(e)
            if pid is None:
                raise
            holder = running_load(files)
            if holder is None or holder.pid != pid:  # another program: it may close it soon
                if time.monotonic() >= deadline:
                    raise WarehouseInUse(files.warehouse, pid) from e
                time.sleep(POLL_SECONDS)
                continue
            try:
                con = duckdb.connect(str(files.snapshot), read_only=True)
            except duckdb.Error:
                # The load is still copying it, or has just finished: try again.
                if time.monotonic() >= deadline:
                    raise LoadRunning(holder, no_snapshot=True) from e
                time.sleep(POLL_SECONDS)
                continue
            if notice:
                notice(f"a load is running ({holder}): showing the warehouse as it was when "
                       "that load started")
            return con, holder


@contextmanager
def reading(files: LoadFiles, read_only: bool = False,
            notice: Notice | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse for a command; while a load holds it, the load's snapshot, read-only.

    A command that writes to the snapshot is stopped with :class:`LoadRunning`. ``read_only``
    opens the warehouse itself read-only too (several readers may then share it), unless it
    does not exist yet.
    """
    con, holder = _open_for_reading(files, read_only, notice)
    try:
        yield con
    except duckdb.Error as e:
        if holder is not None and "read-only mode" in str(e):
            raise LoadRunning(holder, writes=True) from e
        raise
    finally:
        con.close()
