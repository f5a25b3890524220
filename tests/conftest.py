"""Shared fixtures: real sample projects in temporary folders, the CLI as a real process, optional tools."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# Builds in tests skip the LibreOffice layout pass (seconds per build) unless a test asks for it with
# LAYOUT_ON; tests/test_layout.py and the PDF tests do.
os.environ.setdefault("STRATEGY_BUILDER_LAYOUT", "off")
LAYOUT_ON = {"STRATEGY_BUILDER_LAYOUT": "on"}
CORPUS = (REPO.parent / "shared" / "corpus").resolve()


def running_in_ci(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether a CI runner runs the tests: ``CI`` set as runners spell it (``true``, ``True``, ``1``, ``yes``)."""
    return environ.get("CI", "").strip().lower() in ("1", "true", "yes", "on")


IN_CI = running_in_ci()


def pytest_configure(config: pytest.Config) -> None:
    """Compile the package's bytecode once, before the tests start processes: where PYTHONDONTWRITEBYTECODE
    is set (as in many shells and CI images), every ``python -m strategy_builder`` a test starts would
    otherwise compile each module it imports again (about 0.2 s of CPU for a build). Only the xdist
    controller (or a run without workers) does it; a folder that cannot be written is left alone."""
    ctrl_c_as_in_a_terminal()
    if hasattr(config, "workerinput"):
        return
    import compileall

    import strategy_builder

    compileall.compile_dir(Path(strategy_builder.__file__).parent, quiet=2)
    _rewrite_test_modules_once(config)


def ctrl_c_as_in_a_terminal() -> None:
    """Let Ctrl-C (SIGINT) act in this process, and so in the processes it starts, as it does in a command typed
    in a terminal. A shell script that starts the suite in the background (``pytest &``) starts it with SIGINT
    ignored, and every process the tests start inherits that: the tests of what Ctrl-C does (a build exits 130,
    an interrupted conversion stops, the watcher puts back the handler it found) would then test a process
    that cannot be interrupted at all. Each test process (the xdist controller and its workers) calls this."""
    import signal

    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _rewrite_test_modules_once(config: pytest.Config) -> None:
    """Write pytest's assertion-rewritten bytecode of the test modules before the workers start. Each worker
    imports every test module when it collects; where PYTHONDONTWRITEBYTECODE is set, each would rewrite
    them all again (about 2.5 s of CPU per worker, half of its collection), but a worker reads a cached
    rewrite whatever that variable says. This uses pytest's internals: if they change, the workers rewrite
    as before."""
    if config.getoption("assertmode", "rewrite") != "rewrite":
        return
    try:
        from _pytest.assertion.rewrite import (
            PYC_TAIL, _read_pyc, _rewrite_test, _write_pyc, assertstate_key, get_cache_dir, try_makedirs,
        )
    except ImportError:
        return
    state = config.stash[assertstate_key]
    folder = Path(__file__).parent
    for module in [folder / "conftest.py", *sorted(folder.rglob("test_*.py"))]:
        cache = get_cache_dir(module)
        pyc = cache / (module.name[:-3] + PYC_TAIL)
        if _read_pyc(module, pyc, state.trace) is None and try_makedirs(cache):
            source_hash, code = _rewrite_test(module, config)
            _write_pyc(state, code, source_hash, pyc)


def pytest_collection_finish(session: pytest.Session) -> None:
    """The garbage collector of the process that runs the tests works as the CLI's does (strategy_builder/cli):
    the objects of the imports and the collection, which live as long as the process, are frozen out of its
    sight, and it wakes every 100,000 allocations instead of 700 (it rescanned them again and again: about
    4 % of the CPU of the in-process tests, measured). In-process CLI tests set the same threshold anyway;
    now every test runs under one policy, whatever ran before it."""
    import gc

    from strategy_builder.cli import GC_ALLOCATIONS

    gc.freeze()
    gc.set_threshold(GC_ALLOCATIONS, 10, 10)


LEAN_ALLOCATOR = "glibc.malloc.mmap_threshold=268435456:glibc.malloc.trim_threshold=268435456"


@pytest.fixture(scope="session", autouse=True)
def lean_allocator_for_started_processes() -> None:
    """The processes the tests start (LibreOffice above all, also through the CLI) keep up to 256 MiB of freed
    memory for reuse instead of returning it to the system at once. With glibc's defaults one LibreOffice
    start maps and faults in about a gigabyte of fresh pages (300,000 page faults, 0.4 s of system CPU, a
    third of what converting a short document costs); with these thresholds 40,000. The allocator's policy
    changes no result. Set here, in the process that runs the tests, and not at start-up: the test process
    itself is better off with the defaults (large buffers grown by realloc are moved by the kernel, not
    copied). A GLIBC_TUNABLES of the machine's own is kept."""
    os.environ.setdefault("GLIBC_TUNABLES", LEAN_ALLOCATOR)


@pytest.fixture(scope="session", autouse=True)
def warm_servers_of_the_tests_own() -> Iterator[None]:
    """The commands the tests start use warm servers (strategy_builder/warm_start/) in a runtime folder of
    this test process's own, stopped when the tests end: none is left running, and none a developer started
    serves the tests. Tests of the warm start itself make folders of their own."""
    runtime = Path(tempfile.mkdtemp(prefix="sbt-", dir="/tmp"))  # short: a socket's path is bounded
    previous = os.environ.get("XDG_RUNTIME_DIR")
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    yield
    if previous is None:
        os.environ.pop("XDG_RUNTIME_DIR", None)
    else:
        os.environ["XDG_RUNTIME_DIR"] = previous
    stop_warm_servers(runtime)
    shutil.rmtree(runtime, ignore_errors=True)


def stop_warm_servers(runtime: Path) -> None:
    """Stop every warm server serving from ``runtime`` (its pid is in its lock file)."""
    for lock in runtime.glob("strategy-builder-*/*.sock.lock"):
        text = lock.read_text().strip()
        if text.isdigit():
            try:
                os.kill(int(text), signal.SIGTERM)
            except ProcessLookupError:
                pass


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Under CI every test runs: a skip, whatever its cause (a missing tool, importorskip, skipif), fails."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI, where every test must run: {report.longrepr}"


def require_tool(available: bool, what: str) -> None:
    """Skip when ``what`` is missing on a laptop; fail under CI=true, where it must be installed."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI=true but is not available")
    pytest.skip(f"{what} is not available")


@pytest.fixture
def soffice() -> str:
    """Path of LibreOffice's soffice; skips (or fails under CI) when absent."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    require_tool(path is not None, "LibreOffice (soffice)")
    assert path is not None
    return path


@pytest.fixture(scope="session")
def libreoffice_judge(tmp_path_factory: pytest.TempPathFactory):  # -> judges.libreoffice.LibreOfficeJudge
    """LibreOffice as an independent judge of .docx files (tests/judges/libreoffice.py): accepts or rejects
    every tracked change and reads the text back; one per session, so its profile is set up once."""
    from judges.libreoffice import LibreOfficeJudge

    path = shutil.which("soffice") or shutil.which("libreoffice")
    require_tool(path is not None, "LibreOffice (soffice)")
    assert path is not None
    return LibreOfficeJudge(path, tmp_path_factory.mktemp("libreoffice-judge"))


@pytest.fixture
def corpus() -> Path:
    """The shared corpus of .docx files written by others; skips (or fails under CI) when absent."""
    require_tool(CORPUS.is_dir(), f"the corpus at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="session")
def sample_drafts(built_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Drafts 001 and 002 of the sample with the diff scenario between them (tests/fixtures/diff/drafts.py)."""
    from fixtures.diff.drafts import build_sample_drafts

    return build_sample_drafts(tmp_path_factory.mktemp("drafts"), built_sample)


STALE_SAMPLE_TRANSLATION = ("inputs/translations/ru/KZ.yaml",
                            "areas.legal_migration.priorities[foreign-worker-quota-system].title")
"""The sample's one deliberately stale translation (docs/languages.md): the only warning of the shipped sample."""


def copy_sample(target: Path, *, as_shipped: bool = False) -> Path:
    """A copy of the shipped sample project (inputs, templates, schemas) in ``target``.

    Unless ``as_shipped``, the copy's one deliberately stale translation is recorded as current, so that
    tests of other things see a sample that checks without warnings; tests of language versions (and of
    the shipped files themselves) see it as shipped.
    """
    for name in ("inputs", "templates", "schemas"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, target / name)
    if not as_shipped:
        file, key = STALE_SAMPLE_TRANSLATION
        if file not in _REFRESHED:
            refresh_translation(target, file, key)
            _REFRESHED[file] = (target / file).read_bytes()
        else:
            (target / file).write_bytes(_REFRESHED[file])
    return target


_REFRESHED: dict[str, bytes] = {}
"""The refreshed translation file, computed by the first copy of a test process (it loads the whole project)."""


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample (as :func:`copy_sample` gives it) with draft 001 built in process, once per test process.
    Never change it: tests that need such a project take a copy with :func:`copy_built_sample`."""
    from strategy_builder.drafts.builder import BuildOptions, build

    project = copy_sample(tmp_path_factory.mktemp("built-sample") / "project")
    build(project, BuildOptions(jobs=1))
    return project


def copy_built_sample(built_sample: Path, target: Path) -> Path:
    """A copy of ``built_sample`` in ``target``, the same as building draft 001 there (builds are deterministic),
    without the cached check: it names the files it read by their absolute paths, which are the original's."""
    shutil.copytree(built_sample, target, symlinks=True,
                    ignore=lambda folder, names: ["check.json"] if Path(folder).name == ".cache" else [])
    return target


@pytest.fixture
def built_project(built_sample: Path, tmp_path: Path) -> Path:
    """A fresh copy of the sample with draft 001 built."""
    return copy_built_sample(built_sample, tmp_path / "project")


def refresh_translation(project: Path, file: str, key: str) -> None:
    """Give the translation ``key`` of ``file`` the fingerprint of the current source text (as if re-translated)."""
    from strategy_builder.languages.loading import load_project_with_translations

    loaded = load_project_with_translations(project).project
    assert loaded is not None
    subject = Path(file).stem
    language = Path(file).parent.name
    status = loaded.translations.of(language, subject)
    assert status is not None and key in status.by_key(), (file, key)
    item = status.by_key()[key]
    path = project / file
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index(f"{key}:")
    assert lines[start + 1].startswith("  source: ")
    lines[start + 1] = f"  source: {item.value.fingerprint}"
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture
def sample_project(tmp_path: Path) -> Path:
    """A fresh copy of the shipped sample project."""
    return copy_sample(tmp_path / "project")


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 120,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m strategy_builder ARGS`` as a real process and capture its output."""
    environment = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
    environment.pop("STRATEGY_BUILDER_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "strategy_builder", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=environment)


def run_in_process(*args: str, cwd: Path | None = None,
                   env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``strategy-builder ARGS`` through the CLI's entry point (``main``) in this process, with the environment,
    folder and output :func:`run_cli` gives a process, and its answer in the same shape. It saves a Python
    start-up and the command's imports (a fifth of a second of CPU or more each): for tests of what a command
    does. A promise about a real process (the entry point's exit status, signals, locks held by two processes,
    start-up, hash seeds) keeps :func:`run_cli`."""
    import contextlib
    import io

    from strategy_builder.cli import main

    environment = {"COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
    saved = {name: os.environ.get(name) for name in [*environment, "STRATEGY_BUILDER_DEBUG"]}
    # A process's streams: UTF-8 bytes behind text streams (the entry point sets their error handling).
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    folder = Path.cwd()
    code: int | str | None = 0
    try:
        os.environ.update(environment)
        os.environ.pop("STRATEGY_BUILDER_DEBUG", None)
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                main(list(args))
            except SystemExit as done:
                code = done.code
    finally:
        os.chdir(folder)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    texts = []
    for stream in (stdout, stderr):
        stream.flush()
        buffer = stream.detach()
        assert isinstance(buffer, io.BytesIO)
        texts.append(buffer.getvalue().decode("utf-8").replace("\r\n", "\n"))
    returncode = code if isinstance(code, int) else 1  # sys.exit("message") exits 1, as in a process
    return subprocess.CompletedProcess(["strategy-builder", *args], returncode, texts[0], texts[1])


def convert_with_libreoffice(soffice: str, source: Path, out_dir: Path, target: str = "pdf") -> Path:
    """Convert ``source`` with LibreOffice headless (own profile); fails the test if no output appears."""
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = out_dir / ".lo-profile"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target,
         "--outdir", str(out_dir), str(source)],
        capture_output=True, text=True, timeout=180)
    produced = out_dir / (source.stem + "." + target.split(":")[0])
    # soffice exits 0 even when the conversion failed: the output file is the only proof.
    assert produced.is_file(), f"LibreOffice produced no {target} for {source}: {result.stdout} {result.stderr}"
    return produced
