"""The server: import everything once, then fork one child per command, which becomes the client's command.

Started in the background by :func:`strategy_builder.warm_start.client.run_in_server` as
``python -m strategy_builder.warm_start SOCKET KEY``.
"""

from __future__ import annotations

import marshal
import os
import struct
import sys
from typing import Any

from strategy_builder.warm_start import (CHECK_SECONDS, HEADER, IDLE_SECONDS, MAX_REQUEST, PROTOCOL, end_process,
                                        exit_status)

STARTER_WAIT_SECONDS = 30.0
"""How long a new server waits for the command that started it to finish before it imports everything."""


def serve(path: str, key: str, starter: int | None = None) -> None:
    """The server's life: take the key's lock, import everything, serve commands until idle or outdated.

    ``key`` is the key of the client that started it (same interpreter, options and environment);
    ``starter`` its process id: the server imports nothing until that command has finished, so as not to
    take a core from it (the first command of a session costs what it did before there was a server)."""
    import fcntl

    lock = open(path + ".lock", "a")  # noqa: SIM115 - held for the server's whole life
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return  # another server for this key is starting or serving
    lock.truncate(0)
    lock.write(f"{os.getpid()}\n")  # who holds it: `kill $(cat FILE.lock)` stops the server
    lock.flush()
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]  # `-m` put the working folder ("/") first; the client's key leaves it out
    if starter is not None:
        _wait_for_exit(starter, STARTER_WAIT_SECONDS)
    _preload()
    modules = _module_files()
    _Server(path, key, modules, lock).run()


def _wait_for_exit(pid: int, seconds: float) -> None:
    """Return when process ``pid`` has ended, or after ``seconds`` (a watcher may never end)."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        except PermissionError:
            return  # the pid was taken by another user's process: ours has ended
        time.sleep(0.02)


def _preload() -> None:
    """Import every module of strategy-builder (and so every library they import) and settle the heap."""
    import gc
    import importlib
    import pkgutil

    import strategy_builder

    for module in pkgutil.walk_packages(strategy_builder.__path__, "strategy_builder."):
        if module.name.rsplit(".", 1)[-1] in ("__main__", "warm_start"):
            continue
        try:
            importlib.import_module(module.name)
        except Exception as error:  # noqa: BLE001 - an optional library missing: its commands import it themselves
            print(f"not preloaded: {module.name}: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
    _complete_deferred_models()
    _warm_up_modules()
    gc.collect()
    gc.freeze()  # the children share these pages with the server instead of copying them when gc scans them


def _complete_deferred_models() -> None:
    """Build the validators of the pydantic models that defer it (``defer_build``: a command in a process of its
    own builds only those it uses, when it first validates). A served command would otherwise build them again
    in every child: about 6 ms for a draft's manifest, more for the inputs' models."""
    from pydantic import BaseModel

    pending = [BaseModel]
    while pending:
        for model in pending.pop().__subclasses__():
            pending.append(model)
            if model.__module__.startswith("strategy_builder.") and model.model_config.get("defer_build"):
                try:
                    model.model_rebuild(force=True)
                except Exception as error:  # noqa: BLE001 - the command builds it when it validates, and says why
                    print(f"not preloaded: {model.__qualname__}: {type(error).__name__}: {error}", file=sys.stderr,
                          flush=True)


def _warm_up_modules() -> None:
    """Call ``warm_up()`` of every module of strategy-builder that has one: work done once and kept (a compiled
    page template), which every served command would otherwise do again in its child. A command in a process
    of its own never calls them: it does only the work it needs."""
    for name, module in sorted(sys.modules.items()):
        warm_up = getattr(module, "warm_up", None) if name.startswith("strategy_builder.") else None
        if callable(warm_up):
            try:
                warm_up()
            except Exception as error:  # noqa: BLE001 - the command does the work itself, and says what fails
                print(f"not warmed up: {name}: {type(error).__name__}: {error}", file=sys.stderr, flush=True)


def _module_files() -> dict[str, tuple[int, int]]:
    """Every imported module's file with its modification time and size, to notice a change on disk."""
    files: dict[str, tuple[int, int]] = {}
    for module in list(sys.modules.values()):
        name = getattr(module, "__file__", None)
        if name and name not in files:
            try:
                status = os.stat(name)
            except OSError:
                continue
            files[name] = (status.st_mtime_ns, status.st_size)
    return files


def _outdated(modules: dict[str, tuple[int, int]]) -> bool:
    for name, seen in modules.items():
        try:
            status = os.stat(name)
        except OSError:
            return True
        if (status.st_mtime_ns, status.st_size) != seen:
            return True
    return False


class _Server:
    """The accept loop: one forked child per command; the server itself never runs a command."""

    def __init__(self, path: str, key: str, modules: dict[str, tuple[int, int]], lock: Any) -> None:
        import signal
        import socket

        self.path, self.key, self.modules, self.lock = path, key, modules, lock
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        self.listener.bind(path)
        os.chmod(path, 0o600)
        self.inode = os.stat(path).st_ino
        self.listener.listen(64)
        self.wake_read, self.wake_write = os.pipe()
        os.set_blocking(self.wake_read, False)
        os.set_blocking(self.wake_write, False)
        signal.set_wakeup_fd(self.wake_write)
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)  # a handler, so that it wakes the loop
        self.children: dict[int, Any] = {}  # pid -> the connection of its client
        self.clients: dict[Any, int] = {}  # connection -> pid, while the client is there

    def run(self) -> None:
        import select
        import time

        accepting = True
        last_command = time.monotonic()
        while accepting or self.children:
            watched = [self.wake_read, *self.clients] + ([self.listener] if accepting else [])
            ready, _, _ = select.select(watched, [], [], CHECK_SECONDS)
            if self.wake_read in ready:
                self._reap()
            for connection in [c for c in ready if c in self.clients]:
                self._from_client(connection)
            if accepting and self.listener in ready:
                accepting = self._accept()
                last_command = time.monotonic()
                if not accepting:
                    self._close()
            elif accepting and not ready:
                # Checked at every command, and every CHECK_SECONDS otherwise: a checkout that was deleted
                # or upgraded stops its server within that time.
                idle = not self.children and time.monotonic() - last_command >= IDLE_SECONDS
                if idle or _outdated(self.modules):
                    accepting = False
                    self._close()
        self._close()

    def _close(self) -> None:
        """Take no more commands: the socket goes, and the lock too, so that a new server can start while
        this one waits for the commands it still runs (a watcher may run for hours)."""
        if self.listener.fileno() < 0:
            return
        try:
            if os.stat(self.path).st_ino == self.inode:
                os.unlink(self.path)
        except OSError:
            pass
        self.listener.close()
        self.lock.close()

    def _accept(self) -> bool:
        """Serve one client; ``False`` when the server must stop taking commands."""
        import socket

        try:
            connection, _ = self.listener.accept()
        except OSError:
            return True
        fds: list[int] = []
        try:
            connection.settimeout(5.0)
            if hasattr(socket, "SO_PEERCRED"):
                _, uid, _ = struct.unpack("3i", connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                                      struct.calcsize("3i")))
                if uid != os.getuid():
                    connection.close()
                    return True
            request, fds, early = _read_request(connection)
            if _outdated(self.modules):
                connection.sendall(HEADER.pack(b"X", 1))
                connection.close()
                return False
            if request[0] != PROTOCOL or request[1] != self.key or len(fds) != 3:
                connection.sendall(HEADER.pack(b"X", 0))
                connection.close()
                return True
        except (OSError, ValueError, EOFError, TypeError, IndexError):
            connection.close()
            for fd in fds:
                os.close(fd)
            return True
        pid = os.fork()
        if pid == 0:
            self._child(connection, request, fds)  # never returns
        # The command is a process group of its own (set here and in the child, whichever runs first), as
        # a shell makes it: signals reach its worker processes too, and a killed client takes them along.
        try:
            os.setpgid(pid, pid)
        except OSError:
            pass
        for fd in fds:
            os.close(fd)
        connection.setblocking(True)
        self.children[pid] = connection
        self.clients[connection] = pid
        try:
            connection.sendall(HEADER.pack(b"P", pid))
        except OSError:
            pass
        self._signals(pid, early)  # a Ctrl-C sent right behind the request
        return True

    def _from_client(self, connection: Any) -> None:
        import signal

        pid = self.clients[connection]
        try:
            data = connection.recv(1024)
        except OSError:
            data = b""
        if not data:  # the client is gone (killed): so goes its command, as it would have without a server
            del self.clients[connection]
            _signal(pid, signal.SIGKILL)
            return
        self._signals(pid, data)

    @staticmethod
    def _signals(pid: int, data: bytes) -> None:
        """Pass on the signals a client forwarded (``K`` and the signal's number, five bytes each)."""
        for offset in range(0, len(data) - 4, 5):
            if data[offset:offset + 1] == b"K":
                _signal(pid, struct.unpack("!I", data[offset + 1:offset + 5])[0])

    def _reap(self) -> None:
        try:
            while os.read(self.wake_read, 512):
                pass
        except BlockingIOError:
            pass
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            connection = self.children.pop(pid, None)
            if connection is None:
                continue
            self.clients.pop(connection, None)
            try:
                connection.sendall(HEADER.pack(b"S", status))
            except OSError:
                pass
            connection.close()

    def _child(self, connection: Any, request: tuple[Any, ...], fds: list[int]) -> None:
        """Become the client's command: its streams, folder, environment and limits; run it; exit."""
        code = 3
        try:
            import signal

            signal.set_wakeup_fd(-1)
            os.setpgid(0, 0)
            _, _, argv, environment, cwd, umask, limits, streams, ignored = request
            for name in ("SIGCHLD", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGTSTP"):
                if hasattr(signal, name):
                    signal.signal(getattr(signal, name), signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            for signum in ignored:  # what the client ignores, as a process started by it would
                signal.signal(signum, signal.SIG_IGN)
            for stream in (self.listener, connection, *self.clients, self.lock):  # the server's, not the command's
                stream.close()
            os.close(self.wake_read)
            os.close(self.wake_write)
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
                os.close(fd)
            _become(argv, environment, cwd, umask, limits, streams)
            from strategy_builder.cli import main as run_here

            try:
                run_here()
                code = 0
            except SystemExit as done:
                code = exit_status(done.code)
        except BaseException:  # noqa: BLE001 - the child must end here, whatever happened
            try:
                import traceback

                traceback.print_exc()
            finally:
                code = 3
        finally:
            end_process(code)


def _read_request(connection: Any) -> tuple[tuple[Any, ...], list[int], bytes]:
    """The request, the descriptors passed with it, and what the client sent behind it (forwarded signals)."""
    import array
    import socket

    fd_size = array.array("i").itemsize
    data, ancillary, _, _ = connection.recvmsg(65536, socket.CMSG_SPACE(3 * fd_size))
    fds: list[int] = []
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            received = array.array("i")
            received.frombytes(payload[: len(payload) - len(payload) % fd_size])
            fds.extend(received)
    if len(data) < 4:
        raise ValueError("short request")
    (length,) = struct.unpack("!I", data[:4])
    if length > MAX_REQUEST:
        raise ValueError("request too long")
    body = data[4:]
    while len(body) < length:
        chunk = connection.recv(length - len(body))
        if not chunk:
            raise EOFError("request cut short")
        body += chunk
    return marshal.loads(body[:length]), fds, body[length:]


def _become(argv: list[str], environment: dict[str, str], cwd: str, umask: int,
            limits: list[tuple[int, int, int]], streams: list[tuple[str, str] | None]) -> None:
    """Take on what makes the client's command behave as in the client's own process."""
    import io
    import resource
    import tempfile
    import time

    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(environment)
    time.tzset()
    tempfile.tempdir = None  # found again from the client's TMPDIR
    os.umask(umask)
    for number, soft, hard in limits:
        try:
            resource.setrlimit(number, (soft, hard))
        except (OSError, ValueError):
            pass
    for fd, setting in enumerate(streams):
        if setting is None:
            continue
        encoding, errors = setting
        raw = io.FileIO(fd, "r" if fd == 0 else "w", closefd=False)
        buffered: io.BufferedReader | io.BufferedWriter = io.BufferedReader(raw) if fd == 0 else io.BufferedWriter(raw)
        # As Python opens them: stdout line-buffered on a terminal, stderr always.
        stream = io.TextIOWrapper(buffered, encoding=encoding, errors=errors,
                                  line_buffering=fd == 2 or (fd == 1 and raw.isatty()))
        setattr(sys, ("stdin", "stdout", "stderr")[fd], stream)
        setattr(sys, ("__stdin__", "__stdout__", "__stderr__")[fd], stream)
    sys.argv = list(argv)


def _signal(pid: int, signum: int) -> None:
    """Signal the command's process group (its workers too, as a terminal's Ctrl-C reaches all of them)."""
    try:
        os.killpg(pid, signum)
    except (ProcessLookupError, PermissionError, OverflowError, ValueError):
        try:
            os.kill(pid, signum)
        except (ProcessLookupError, PermissionError, OverflowError, ValueError):
            pass
