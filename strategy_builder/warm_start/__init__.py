"""Warm start: each command runs in a fresh process forked from a server that has already imported everything.

A short command spends most of its time starting up: Python imports click, pydantic (and builds the models'
validators), lxml, Jinja2 and strategy-builder's own modules before it reads a single input. The first command
of a session starts, beside doing its own work as before, a **warm server**: a background process that imports
all of that once and then waits on a Unix socket. Every later command, as long as the server answers, is a
small client: it hands the server its arguments, environment, working folder, umask, resource limits and its
standard input, output and error themselves (file descriptors passed over the socket), and the server forks a
child that runs the command exactly as the client would have, writing to the client's terminal or pipes. The
child is a new process for every command: nothing one command does is seen by the next. The client forwards
Ctrl-C (and SIGTERM, SIGHUP, SIGQUIT, and Ctrl-Z with `fg`) to the child and exits with the child's exit
status; if the client is killed, the server kills the child, as the kernel would have killed the command (an
interrupted command never leaves a half-written file either way).

The server serves only the interpreter, interpreter options, package and locale settings it was started with
(the *key*), and only its own user (the socket lives in a folder only that user can enter, and the server
checks the peer's user id), and only a client whose process has the privileges, priority and namespaces of the
one that started it. It stops after :data:`IDLE_SECONDS` without a command, and at once when a module it
imported changed or disappeared on disk (an upgrade, an edit of a checkout): the client then runs the command
itself and starts a new server. Where any of this is unavailable (Windows, a closed standard stream, a deleted
working folder, an unusual interpreter option), and with ``STRATEGY_BUILDER_SERVER=off``, the command runs in
its own process, exactly as before.

This package is the ``strategy-builder`` entry point (:func:`main`, also behind ``python -m strategy_builder``):
:mod:`~strategy_builder.warm_start.client` hands the command over, :mod:`~strategy_builder.warm_start.server`
runs it. The client imports only what costs next to nothing (``socket``, ``marshal``, ``struct``), never the
CLI: that is where the time goes.
"""

from __future__ import annotations

import os
import struct
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see warm_start/client.py)
if TYPE_CHECKING:
    from typing import NoReturn

SERVER_VARIABLE = "STRATEGY_BUILDER_SERVER"
"""``off`` (or ``0``, ``no``, ``false``) runs every command in its own process, without a server."""

IDLE_SECONDS = 600.0
"""The server stops after this long without a command (ten minutes: a drafting session's pauses)."""

CHECK_SECONDS = 30.0
"""How often an idle server looks whether its time is up or its modules changed."""

PROTOCOL = 1
"""Bumped whenever the messages between client and server change: a server never serves another protocol."""

HEADER = struct.Struct("!cI")
"""A message from the server: a kind (``P`` started, ``S`` exit status, ``X`` refused) and a number."""

LIMITS = ("RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_AS", "RLIMIT_DATA", "RLIMIT_CPU", "RLIMIT_CORE", "RLIMIT_STACK")
"""Resource limits a client passes on (a full disk simulated with RLIMIT_FSIZE must stay full)."""

FORWARDED = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT")
"""Signals the client passes on to the command's process."""

MAX_REQUEST = 4 * 1024 * 1024
"""The largest request a server reads (arguments and environment are a few kilobytes)."""


def main() -> None:
    """Run the command given on ``sys.argv`` in the warm server if one answers, else in this process."""
    from strategy_builder.warm_start.client import run_in_server, server_wanted

    code = None
    if server_wanted():
        try:
            code = run_in_server()
        except KeyboardInterrupt:  # Ctrl-C before the command started anywhere
            sys.exit(130)
        except Exception:  # noqa: BLE001 - whatever keeps the server from running it, this process can
            code = None
    if code is not None:
        sys.exit(code)
    from strategy_builder.cli import main as run_here

    try:
        run_here()
        code = 0
    except SystemExit as done:
        code = exit_status(done.code)
    end_process(code)


def exit_status(code: object) -> int:
    """The status a process ends with after ``sys.exit(code)``: 0 for ``None``, an integer's low byte, and 1
    for anything else (printed on stderr, as Python does)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def end_process(code: int) -> NoReturn:
    """End the process with ``code`` once standard output and error are flushed, without Python's shutdown.

    A command has closed every file it wrote and stopped every process it started by the time it returns; what
    the shutdown would still do is free each object the command leaves (the documents a comparison read) and
    every module, one by one: about 3.5 % of the instructions of a diff of two large documents as the first
    command of a session (callgrind). A command the warm server runs ends the same way, so a command ends
    alike wherever it runs.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001, S110 - a closed pipe: nothing more to say
            pass
    os._exit(code)
