"""The client: hand the command to the warm server of this interpreter and environment, or start one.

Imports only what Python has loaded at start-up or what costs next to nothing: this runs before every
command, and the point is not to import the CLI here.
"""

from __future__ import annotations

import marshal
import os
import struct
import sys

from strategy_builder.warm_start import FORWARDED, HEADER, LIMITS, PROTOCOL, SERVER_VARIABLE

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: 3.5 ms of every command's client
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

STARTUP_VARIABLES = ("LC_ALL", "LC_CTYPE", "LANG", "PYTHONHASHSEED", "PYTHONUTF8", "PYTHONIOENCODING",
                     "PYTHONMALLOC", "LD_PRELOAD", "LD_LIBRARY_PATH", "GLIBC_TUNABLES", "MALLOC_ARENA_MAX")
"""Environment variables read when a process starts (by Python, the C library or the loader), not when a
command runs: a server started with other values would run the command differently, so they are part of
the key. Every other variable reaches the command with the client's environment."""

SOCKET_PATH_ROOM = 104
"""Bytes a Unix socket's path may take (a longer one, under a deep XDG_RUNTIME_DIR: no server)."""


def server_wanted() -> bool:
    if os.environ.get(SERVER_VARIABLE, "").strip().lower() in ("off", "0", "no", "false"):
        return False
    if os.name != "posix" or sys.platform == "emscripten":
        return False
    # A developer's `python -X importtime` or `-W error` run is not what a server started without them
    # would do: such runs stay in their own process.
    return not (sys.warnoptions or sys._xoptions)


def _key() -> str:
    """What a server must share with the client to run its commands as the client would: the interpreter,
    its options, where it finds libraries and this package, and the locale settings read at start-up. (The
    first entry of the module path is the client's own script folder or working folder; the package found is
    named by its own folder.)"""
    return "\x1f".join([
        str(PROTOCOL), sys.version, sys.executable, sys.prefix, os.pathsep.join(sys.path[1:]),
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), repr(sys.flags),
        sys.getfilesystemencoding(), sys.getfilesystemencodeerrors(),
        *(f"{name}={os.environ.get(name, '')}" for name in STARTUP_VARIABLES),
        _process_context(),
    ])


def _process_context() -> str:
    """What the kernel lets this process do and see, which a forked child inherits from the server, not from
    the client: user and group ids, capabilities and no-new-privileges (a command run under ``setpriv`` or
    ``sudo -u``), priority (``nice``), hard resource limits, CPU affinity, namespaces, root folder and
    control groups (a container). A client that differs in any of them gets a server of its own."""
    parts = [repr((os.getuid(), os.geteuid(), os.getgid(), os.getegid(), sorted(os.getgroups()),
                   os.getpriority(os.PRIO_PROCESS, 0))),
             # Hard limits: a child can lower its limits to the client's, never raise them above the server's.
             repr([hard for _, _, hard in _limits()])]
    if hasattr(os, "sched_getaffinity"):
        parts.append(repr(sorted(os.sched_getaffinity(0))))
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            parts += [line.strip() for line in status if line.startswith(("Cap", "NoNewPrivs", "Seccomp"))]
        with open("/proc/self/cgroup", encoding="utf-8", errors="replace") as cgroup:
            parts.append(cgroup.read().strip())
        parts += [os.readlink(f"/proc/self/ns/{name}") for name in ("mnt", "user", "net", "pid", "ipc", "uts")]
        parts.append(os.readlink("/proc/self/root"))
    except OSError:
        pass  # not Linux: the ids above are what there is to compare
    return "\x1e".join(parts)


def socket_path(key: str) -> str | None:
    """The socket of the server for ``key``, in a folder of this user's only (created if needed), or ``None``
    when there is no such folder to be had."""
    import zlib

    base = os.environ.get("XDG_RUNTIME_DIR") or "/tmp"
    folder = os.path.join(base, f"strategy-builder-{os.getuid()}")
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        status = os.lstat(folder)
    except OSError:
        return None
    # Another user's folder, a link or a folder others can enter is not used: the socket runs commands.
    import stat

    if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid() or status.st_mode & 0o077:
        return None
    path = os.path.join(folder, f"{zlib.crc32(key.encode('utf-8', 'surrogatepass')):08x}.sock")
    # A socket's address has room for about a hundred bytes (104 on macOS, 108 on Linux).
    return path if len(os.fsencode(path)) < SOCKET_PATH_ROOM else None


def _c_module(name: str) -> Any:
    """CPython's C module behind standard module ``name`` (``_socket`` behind ``socket``), else ``name`` itself.

    The client uses a few functions and constants of ``socket`` and ``signal``, which their C modules have.
    Importing ``socket`` costs about 5 ms (``selectors``, ``select``, enums built for its constants) and
    ``signal`` 1.3 ms (enums again), on every command; ``_signal`` is loaded at start-up already. Signals
    and handlers are then plain numbers, as the kernel has them.
    """
    import importlib

    try:
        return importlib.import_module(f"_{name}")
    except ImportError:  # an interpreter without CPython's module layout
        return importlib.import_module(name)


def run_in_server() -> int | None:
    """The command's exit code as the server ran it, or ``None`` when this process must run it."""
    socket = _c_module("socket")

    for fd in (0, 1, 2):  # a closed standard stream cannot be passed on
        try:
            os.fstat(fd)
        except OSError:
            return None
    try:
        cwd = os.getcwd()
    except OSError:
        return None
    key = _key()
    path = socket_path(key)
    if path is None:
        return None
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.connect(path)
    except OSError:
        client.close()
        _start_server(path, key)
        return None
    try:
        return _ask(client, key, cwd, path)
    finally:
        client.close()


def _ask(client: Any, key: str, cwd: str, path: str) -> int | None:
    signal = _c_module("signal")
    socket = _c_module("socket")

    def forward(signum: int, frame: object = None) -> None:
        try:
            client.sendall(b"K" + struct.pack("!I", signum))
        except OSError:
            pass

    def suspend(signum: int, frame: object) -> None:
        # Ctrl-Z: the command stops, then the client, as the shell expects; `fg` resumes both.
        forward(signal.SIGTSTP)
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTSTP)
        signal.signal(signal.SIGTSTP, suspend)
        forward(signal.SIGCONT)

    # Installed before the request goes out: a Ctrl-C from now on reaches the command, whenever it starts.
    # A signal this process ignores (started by `nohup`, or in the background by a script) is ignored by
    # the command too, and not forwarded.
    previous: dict[int, Any] = {}
    ignored: list[int] = []
    handlers: dict[int, Callable[[int, Any], None]] = {getattr(signal, name): forward for name in FORWARDED
                                                       if hasattr(signal, name)}
    if hasattr(signal, "SIGTSTP"):
        handlers[signal.SIGTSTP] = suspend
    for signum, handler in handlers.items():
        if signal.getsignal(signum) == signal.SIG_IGN:
            ignored.append(int(signum))
        else:
            previous[signum] = signal.signal(signum, handler)
    umask = os.umask(0o022)
    os.umask(umask)
    request = marshal.dumps((PROTOCOL, key, sys.argv, dict(os.environ), cwd, umask, _limits(), _streams(),
                             ignored))
    fds = struct.pack("3i", 0, 1, 2)  # standard input, output and error, as C ints in this machine's order
    try:
        client.sendmsg([struct.pack("!I", len(request)), request], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds)])
    except OSError:
        for signum, earlier in previous.items():
            signal.signal(signum, earlier)
        return None
    kind, value = _receive(client)
    if kind != b"P":
        # Refused (another key, or the server found its modules changed and stops: value 1), or the server
        # closed as it stopped: the command did not start there, so it runs here.
        for signum, earlier in previous.items():
            signal.signal(signum, earlier)
        if kind == b"X" and value == 1:
            _start_server(path, key)
        return None
    kind, status = _receive(client)
    if kind != b"S":
        return _lost()
    if os.WIFSIGNALED(status):
        # The command was killed by a signal: so is the client, as a shell expects of the command.
        signum = os.WTERMSIG(status)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return 128 + signum
    return os.waitstatus_to_exitcode(status)


def _receive(client: Any) -> tuple[bytes, int]:
    data = b""
    while len(data) < HEADER.size:
        try:
            chunk = client.recv(HEADER.size - len(data))
        except OSError:
            return b"", 0
        if not chunk:
            return b"", 0
        data += chunk
    kind, value = HEADER.unpack(data)
    return kind, value


def _lost() -> int:
    # The server ended (or was killed) while it ran the command: whether the command finished is unknown.
    sys.stderr.write("strategy-builder: internal error: the warm server ended while it ran the command; "
                     f"run it again (set {SERVER_VARIABLE}=off to run without the server)\n")
    return 3


def _limits() -> list[tuple[int, int, int]]:
    import resource

    limits = []
    for name in LIMITS:
        number = getattr(resource, name, None)
        if number is not None:
            soft, hard = resource.getrlimit(number)
            limits.append((number, soft, hard))
    return limits


def _streams() -> list[tuple[str, str] | None]:
    """The encoding and error handler of stdin, stdout and stderr, which the command's streams take on."""
    streams: list[tuple[str, str] | None] = []
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        encoding, errors = getattr(stream, "encoding", None), getattr(stream, "errors", None)
        streams.append((encoding, errors) if isinstance(encoding, str) and isinstance(errors, str) else None)
    return streams


def _start_server(path: str, key: str) -> None:
    """Start the server for ``key`` in the background, unless one is starting already."""
    import fcntl
    import subprocess

    try:
        with open(path + ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held by a server starting or serving
            fcntl.flock(lock, fcntl.LOCK_UN)
    except OSError:
        return
    try:
        with open(path + ".log", "wb") as log:  # what the last server said (modules it could not preload)
            subprocess.Popen([sys.executable, *subprocess._args_from_interpreter_flags(),  # type: ignore[attr-defined]
                              "-m", "strategy_builder.warm_start", path, key, str(os.getpid())],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, cwd="/",
                             start_new_session=True, close_fds=True)
    except OSError:
        pass
