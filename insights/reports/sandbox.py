"""Run one PDF rendering in a forked child, bounded in wall-clock time and in memory.

A fork, not a fresh interpreter: the child starts with Django and WeasyPrint already imported
(a new `python` would spend ~0.4 s importing them), costs a few milliseconds, and works inside
a Celery prefork worker, whose daemonic children `multiprocessing` refuses to let have children.
The child does no database work and leaves with `os._exit`, so it never touches the
connections and handlers it inherited. Its temporary files (WeasyPrint writes every
`@font-face` font to one) go to a folder the parent removes, even after a kill.
"""

import faulthandler
import os
import resource
import select
import signal
import tempfile
import time
from collections.abc import Callable


class ReportRenderError(RuntimeError):
    """A report could not be rendered; the message says why and is fit to show to staff."""


_OK, _FAILED = b"0", b"1"
_CHUNK = 1 << 20


def _address_space_in_use() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _limit_memory(budget: int) -> None:
    # RLIMIT_AS counts address space, which a forked server may already hold plenty of (thread
    # stacks, malloc arenas): the budget is on top of what the child inherits.
    limit = _address_space_in_use() + budget
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _child(work: Callable[[], bytes], write_fd: int, scratch: str, memory_bytes: int) -> None:
    code = 0
    try:
        faulthandler.disable()  # a child killed by its limits is reported by the parent
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        tempfile.tempdir = scratch
        os.environ["TMPDIR"] = scratch
        try:
            _limit_memory(memory_bytes)
            result = _OK + work()
        except MemoryError:
            result = _FAILED + b"it needed more memory than its budget"
        except BaseException as exc:  # reported to the parent, which raises
            result = _FAILED + f"{type(exc).__name__}: {exc}"[:1000].encode()
        view = memoryview(result)
        while view:
            view = view[os.write(write_fd, view) :]
    except BaseException:
        code = 70
    finally:
        os._exit(code)


def _read_until_eof(read_fd: int, deadline: float) -> bytes | None:
    """Everything the child wrote, or None when the deadline came first."""
    poller = select.poll()
    poller.register(read_fd, select.POLLIN | select.POLLHUP)
    chunks = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        if not poller.poll(remaining * 1000):
            continue
        chunk = os.read(read_fd, _CHUNK)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _reap(pid: int) -> int | None:
    """Wait for the child, killing it first if it is still running; its wait status."""
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        os.kill(pid, signal.SIGKILL)
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:  # reaped by someone else's SIGCHLD handler
        return None


def run_isolated(work: Callable[[], bytes], *, timeout: float, memory_bytes: int) -> bytes:
    """`work()` in a forked child; its bytes, or ReportRenderError on error, timeout or kill."""
    with tempfile.TemporaryDirectory(prefix="cem-report-") as scratch:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover (the child leaves through os._exit)
            os.close(read_fd)
            _child(work, write_fd, scratch, memory_bytes)
        os.close(write_fd)
        try:
            output = _read_until_eof(read_fd, time.monotonic() + timeout)
        finally:
            os.close(read_fd)
            status = _reap(pid)
    if output is None:
        raise ReportRenderError(
            f"The report took longer than {timeout:g} s to render and was stopped."
        )
    if output[:1] == _OK:
        return output[1:]
    if output[:1] == _FAILED:
        raise ReportRenderError(f"The report could not be rendered: {output[1:].decode()}")
    how = (
        f"signal {os.WTERMSIG(status)}"
        if status is not None and os.WIFSIGNALED(status)
        else "no result"
    )
    raise ReportRenderError(
        f"The report renderer stopped ({how}); it may have exceeded its memory budget "
        f"of {memory_bytes // 2**20} MB."
    )
