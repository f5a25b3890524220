"""The validated-input cache: a cached load gives exactly what a fresh load gives, and misses when it must."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strategy_builder.errors import EnvironmentProblem
from strategy_builder.inputs.cache import InputCache
from strategy_builder.inputs.loading import load_project
from strategy_builder.inputs.yamlsource import parse_yaml


def _load(project: Path, cached: bool):
    cache_dir = project / "build" / ".cache" / "inputs" if cached else None
    return load_project(project, cache_dir=cache_dir)


def _summary(result) -> list[tuple]:
    return [(f.location.file, f.location.line, f.location.column, f.location.field_path, f.code, f.severity,
             f.message, f.hint) for f in result.findings]


def _assert_same_project(fresh, cached) -> None:
    assert _summary(cached) == _summary(fresh)
    assert cached.project is not None and fresh.project is not None
    assert cached.project.strategy == fresh.project.strategy
    assert [p.code for p in cached.project.partners] == [p.code for p in fresh.project.partners]
    for old, new in zip(fresh.project.partners, cached.project.partners, strict=True):
        assert new.document.sha256 == old.document.sha256
        assert new.model == old.model
        assert new.document.data == old.document.data
        assert new.document.source_map == old.document.source_map


def test_a_cached_load_gives_what_a_fresh_load_gives(sample_project: Path) -> None:
    fresh = _load(sample_project, cached=False)
    first = _load(sample_project, cached=True)  # fills the cache
    second = _load(sample_project, cached=True)  # answered from it
    folder = sample_project / "build" / ".cache" / "inputs"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert len(index["files"]) == 13 and all(len(entry["checks"]) == 1 for entry in index["files"].values())
    assert len([e for e in folder.iterdir() if e.name != "index.json"]) == 13  # one payload per file
    _assert_same_project(fresh, first)
    _assert_same_project(fresh, second)


def test_what_the_cache_learns_can_be_written_later_in_order(sample_project: Path) -> None:
    """The watcher's cache writes nothing while it rebuilds, and writes the same files once it has reported."""
    folder = sample_project / "build" / ".cache" / "inputs"
    later: list = []
    with InputCache(folder, background=True, later=later) as cache:
        deferred = load_project(sample_project, cache=cache)
    assert later and not folder.exists()
    while later:
        later.pop(0)()
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert len(index["files"]) == 13 and all(len(entry["checks"]) == 1 for entry in index["files"].values())
    _assert_same_project(deferred, _load(sample_project, cached=True))  # answered from what was written


def test_warnings_come_back_from_the_cache_with_their_locations(sample_project: Path) -> None:
    strategy = sample_project / "inputs" / "strategy.yaml"
    # Ending the period earlier puts later actions outside it: policy warnings on unchanged partner files.
    strategy.write_text(strategy.read_text(encoding="utf-8").replace("end: 2011-H1", "end: 2010-Q4", 1),
                        encoding="utf-8")
    fresh = _load(sample_project, cached=False)
    assert any(f.code == "policy.timeline-outside-period" for f in fresh.findings)
    _load(sample_project, cached=True)
    _assert_same_project(fresh, _load(sample_project, cached=True))


def test_a_changed_strategy_rechecks_unchanged_partner_files(sample_project: Path) -> None:
    assert not _load(sample_project, cached=True).findings.has_errors()
    strategy = sample_project / "inputs" / "strategy.yaml"
    strategy.write_text(strategy.read_text(encoding="utf-8").replace("{code: ICMPD,", "{code: ICMPD2,", 1),
                        encoding="utf-8")
    result = _load(sample_project, cached=True)
    unknown = [f for f in result.findings if f.code == "stakeholder.unknown"]
    assert unknown and any(f.location.file == "inputs/partners/AM.yaml" and f.location.line for f in unknown)
    assert _summary(result) == _summary(_load(sample_project, cached=False))


def test_a_renamed_file_is_checked_under_its_new_name(sample_project: Path) -> None:
    _load(sample_project, cached=True)
    partners = sample_project / "inputs" / "partners"
    (partners / "AM.yaml").rename(partners / "AX.yaml")
    result = _load(sample_project, cached=True)
    assert any(f.code == "partner.code-mismatch" and f.location.file == "inputs/partners/AX.yaml"
               for f in result.findings)
    assert _summary(result) == _summary(_load(sample_project, cached=False))


def test_an_edited_file_misses_and_its_new_problems_are_reported(sample_project: Path) -> None:
    _load(sample_project, cached=True)
    partner = sample_project / "inputs" / "partners" / "GE.yaml"
    partner.write_text(partner.read_text(encoding="utf-8").replace("code: GE", "code: ge", 1), encoding="utf-8")
    result = _load(sample_project, cached=True)
    assert result.project is None
    assert [(f.location.file, f.location.field_path) for f in result.findings.errors] == [
        ("inputs/partners/GE.yaml", "code")]


def _payloads(project: Path) -> list[Path]:
    return [e for e in (project / "build" / ".cache" / "inputs").iterdir()
            if e.name != "index.json" and not e.name.startswith(".")]


@pytest.mark.parametrize("damage", [b"", b"not json at all", b"{}\n{}", b"[]\n[]", b'{"code": "AM"}'])
def test_an_unreadable_payload_is_ignored_and_the_file_read_again(sample_project: Path, damage: bytes) -> None:
    fresh = _load(sample_project, cached=False)
    _load(sample_project, cached=True)
    for payload in _payloads(sample_project):
        payload.write_bytes(damage)
    _assert_same_project(fresh, _load(sample_project, cached=True))


@pytest.mark.parametrize("damage", [b"", b"[]", b'{"fingerprint": "other", "files": {}}', b'{"files": 3}'])
def test_an_unreadable_index_is_ignored(sample_project: Path, damage: bytes) -> None:
    fresh = _load(sample_project, cached=False)
    _load(sample_project, cached=True)
    (sample_project / "build" / ".cache" / "inputs" / "index.json").write_bytes(damage)
    _assert_same_project(fresh, _load(sample_project, cached=True))
    _assert_same_project(fresh, _load(sample_project, cached=True))


def test_missing_payloads_are_rebuilt_from_the_files(sample_project: Path) -> None:
    fresh = _load(sample_project, cached=False)
    _load(sample_project, cached=True)
    for payload in _payloads(sample_project):
        payload.unlink()
    _assert_same_project(fresh, _load(sample_project, cached=True))


def test_a_payload_whose_data_no_longer_validates_is_replaced(sample_project: Path) -> None:
    fresh = _load(sample_project, cached=False)
    _load(sample_project, cached=True)
    for payload in _payloads(sample_project):
        payload.write_bytes(b'{"code": "XX"}\n{"values": [], "keys": []}')
    _assert_same_project(fresh, _load(sample_project, cached=True))
    assert all(not p.read_bytes().startswith(b'{"code": "XX"}') for p in _payloads(sample_project))


def test_a_partner_entry_with_another_code_is_reported(sample_project: Path) -> None:
    _load(sample_project, cached=True)
    index_path = sample_project / "build" / ".cache" / "inputs" / "index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    for entry in index["files"].values():
        if entry["summary"] == {"code": "AM"}:
            entry["summary"] = {"code": "BY"}
    index_path.write_text(json.dumps(index), encoding="utf-8")
    with pytest.raises(EnvironmentProblem, match="inputs/partners/AM.yaml: the cached reading"):
        _load(sample_project, cached=True)


def test_partners_from_the_cache_are_validated_when_first_used(sample_project: Path) -> None:
    _load(sample_project, cached=True)
    result = _load(sample_project, cached=True)
    assert result.project is not None
    partner = result.project.partner("UA")
    assert partner is not None and partner._model is None  # not validated by loading
    assert partner.model.code == "UA" and partner._model is not None


def test_positions_are_recomputed_when_the_payload_has_none(sample_project: Path) -> None:
    fresh = _load(sample_project, cached=False)
    _load(sample_project, cached=True)
    for payload in _payloads(sample_project):
        data, _, _ = payload.read_bytes().partition(b"\n")
        payload.write_bytes(data + b"\n[1, 2, 3]")
    _assert_same_project(fresh, _load(sample_project, cached=True))


def test_unused_entries_are_pruned(sample_project: Path) -> None:
    partner = sample_project / "inputs" / "partners" / "GE.yaml"
    original = partner.read_text(encoding="utf-8")
    for version in range(40):
        partner.write_text(original.replace("situation: |\n", f"situation: |\n  Version {version}.\n\n", 1),
                           encoding="utf-8")
        _load(sample_project, cached=True)
    folder = sample_project / "build" / ".cache" / "inputs"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert len(index["files"]) <= 2 * 13 + 16 + 1
    assert len(_payloads(sample_project)) == len(index["files"])


# Any YAML mapping: the reader records positions in the order in which the cache stores them.
_text = st.text(alphabet="abcdefghij XYZ-.:#'\"", min_size=0, max_size=12)
_key = st.text(alphabet="abcdefgh_", min_size=1, max_size=8)
_node = st.recursive(st.one_of(_text, st.none()),
                     lambda children: st.one_of(st.lists(children, max_size=4),
                                                st.dictionaries(_key, children, max_size=4)),
                     max_leaves=25)


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(_key, _node, min_size=1, max_size=5), flow=st.booleans())
def test_positions_round_trip_through_the_cache_for_any_mapping(tmp_path: Path, data: dict, flow: bool) -> None:
    raw = yaml.dump(data, Dumper=_NoAliases, default_flow_style=flow, allow_unicode=True, sort_keys=False).encode()
    path = tmp_path / "any.yaml"
    document, findings = parse_yaml(raw, path, "any.yaml")
    assert document is not None and not findings
    cache = InputCache(tmp_path / "cache")
    cache.store(document, {"code": None})
    cache.flush()
    cached = InputCache(tmp_path / "cache").lookup(raw, path, "any.yaml")
    assert cached is not None and cached.summary == {"code": None}
    assert cached.document.data == document.data
    assert cached.document.source_map == document.source_map


def test_payloads_of_another_version_and_old_temporary_files_are_removed(sample_project: Path) -> None:
    import os
    import time

    _load(sample_project, cached=True)
    folder = sample_project / "build" / ".cache" / "inputs"
    stray = folder / ("0" * 64 + ".json")
    # Temporary files of the one writer (.NAME.XXXXXXXX.tmp) and of older versions' caches (.tmp-...).
    old_temporaries = [folder / ".tmp-old", folder / ".index.json.k3j2h1g0.tmp"]
    new_temporaries = [folder / ".tmp-new", folder / ".index.json.a1b2c3d4.tmp"]
    for path in (stray, *old_temporaries, *new_temporaries):
        path.write_text("{}", encoding="utf-8")
    two_hours_ago = time.time() - 7200
    for old_temporary in old_temporaries:
        os.utime(old_temporary, (two_hours_ago, two_hours_ago))
    index = folder / "index.json"
    index.write_text(index.read_text(encoding="utf-8").replace('"fingerprint": "', '"fingerprint": "older-'),
                     encoding="utf-8")  # as a newer version of the tool finds it
    _load(sample_project, cached=True)  # starts a new index, and cleans up
    assert not stray.exists() and not any(path.exists() for path in old_temporaries)
    assert all(path.exists() for path in new_temporaries)  # perhaps another build's, still being written
    assert len(_payloads(sample_project)) == 13


def test_old_temporary_files_are_removed_whenever_the_index_is_written(sample_project: Path) -> None:
    """A payload is written once under its name, so the leftover of a killed payload write (and the
    ``.tmp-PID`` files of older versions' caches) would stay for good where the index keeps its version:
    writing the index cleans the folder of temporaries older than an hour."""
    import os
    import time

    _load(sample_project, cached=True)
    folder = sample_project / "build" / ".cache" / "inputs"
    old = [folder / ".tmp-4242", folder / f".{_payloads(sample_project)[0].name}.k3j2h1g0.tmp"]
    young = folder / ".tmp-4343"
    for path in (*old, young):
        path.write_text("{}", encoding="utf-8")
    two_hours_ago = time.time() - 7200
    for path in old:
        os.utime(path, (two_hours_ago, two_hours_ago))
    partner = sample_project / "inputs" / "partners" / "AM.yaml"
    partner.write_bytes(partner.read_bytes() + b"# a new comment: a new payload, the index written again\n")
    _load(sample_project, cached=True)
    assert not any(path.exists() for path in old) and young.exists()


# The cache validates the data that validated before through pydantic's JSON route; a fresh read uses the
# Python route. Both must agree on every input, valid or not, or a cached build would differ from a fresh one.
_TRICKY = ["true", "yes", "on", "1", "0", "010", "1e3", "2010-01-01", " 12 ", "", "0x10", "١٢", "NaN", "-0", "1_000",
           "+5", "2010", "2010-13", "2011-H1", "2010-Q3", " 2010 ", "12.0", "false", "null", None, "partner", "AM",
           " AM", "a b", "x" * 301]


def _leaf_paths(value: object, path: tuple = ()) -> list[tuple]:
    if isinstance(value, dict):
        return [p for key, child in value.items() for p in _leaf_paths(child, (*path, key))]
    if isinstance(value, list):
        return [p for index, child in enumerate(value) for p in _leaf_paths(child, (*path, index))]
    return [path]


@pytest.fixture(scope="module")
def sample_data() -> dict[str, dict]:
    from conftest import REPO
    from strategy_builder.inputs.yamlsource import read_yaml

    names = ["inputs/strategy.yaml", "inputs/partners/AM.yaml", "inputs/partners/UA.yaml", "inputs/partners/TM.yaml"]
    return {name: read_yaml(REPO / name, name)[0].data for name in names}  # type: ignore[union-attr]


@settings(max_examples=300, deadline=None)
@given(choice=st.data())
def test_the_json_and_python_validation_routes_agree(sample_data: dict[str, dict], choice: st.DataObject) -> None:
    from pydantic import ValidationError

    from strategy_builder.models.inputs import PartnerFile, StrategyFile

    name = choice.draw(st.sampled_from(sorted(sample_data)))
    data = json.loads(json.dumps(sample_data[name]))
    for _ in range(choice.draw(st.integers(1, 3))):
        path = choice.draw(st.sampled_from(_leaf_paths(data)))
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = choice.draw(st.sampled_from(_TRICKY))
    model = StrategyFile if name.endswith("strategy.yaml") else PartnerFile
    outcomes = []
    for route in (lambda: model.model_validate(data), lambda: model.model_validate_json(json.dumps(data))):
        try:
            outcomes.append(route())
        except ValidationError:
            outcomes.append(None)
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("change", ["version", "reading code"])
def test_a_cache_written_by_other_code_is_not_used(sample_project: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    """Entries are keyed by the code that read them: another version of strategy-builder, or an edited module
    of the reading code (its size or modification time), never gets a previous run's answers.

    The fingerprint is taken of a copy of the reading code, and the copy is what gets "edited": touching the
    package itself would change the code's fingerprint for every other test running meanwhile (a check
    answered from its cache in one process and not in the next)."""
    import os
    import shutil

    from strategy_builder.inputs import cache as cache_module

    package = Path(cache_module.__file__).resolve().parent.parent
    copy = tmp_path / "code" / "strategy_builder"
    for folder in cache_module._READING_CODE:
        shutil.copytree(package / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache_module, "__file__", str(copy / "inputs" / "cache.py"))
    cache_module.code_fingerprint.cache_clear()
    try:
        _load(sample_project, cached=True)
        folder = sample_project / "build" / ".cache" / "inputs"
        path = sample_project / "inputs" / "partners" / "AM.yaml"
        raw = path.read_bytes()
        assert InputCache(folder).lookup(raw, path, "inputs/partners/AM.yaml") is not None
        module = copy / "inputs" / "policy.py"
        stamp = module.stat()
        with monkeypatch.context() as patched:
            if change == "version":
                patched.setattr(cache_module, "__version__", cache_module.__version__ + ".post1")
            else:  # as an edit of inputs/policy.py would: its modification time moves on
                os.utime(module, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000_000))
            cache_module.code_fingerprint.cache_clear()
            try:
                assert InputCache(folder).lookup(raw, path, "inputs/partners/AM.yaml") is None
                assert _load(sample_project, cached=True).project is not None  # read again, cached anew
                assert InputCache(folder).lookup(raw, path, "inputs/partners/AM.yaml") is not None
            finally:
                os.utime(module, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
        cache_module.code_fingerprint.cache_clear()
        assert InputCache(folder).lookup(raw, path, "inputs/partners/AM.yaml") is None, "the newer entries are not ours"
    finally:
        monkeypatch.undo()
        cache_module.code_fingerprint.cache_clear()


def test_stored_checks_come_back_as_they_were_and_the_ones_in_use_are_kept(sample_project: Path) -> None:
    """The findings of a file's checks against a strategy.yaml come back from the index exactly (file, line,
    column, field, code, severity, message, hint), for that name and that strategy only; checks used in a
    run survive the pruning of old ones."""
    from strategy_builder.errors import Finding, Location, Severity

    folder = sample_project / "build" / ".cache" / "inputs"
    path = sample_project / "inputs" / "partners" / "AM.yaml"
    document, problems = parse_yaml(path.read_bytes(), path, "inputs/partners/AM.yaml")
    assert document is not None and not problems
    cache = InputCache(folder)
    cache.store(document, {"code": "AM"})
    findings = [Finding(Location("inputs/partners/AM.yaml", 12, 7, "areas.integration"), "policy.area-empty",
                        "an area with no priorities", Severity.WARNING, "say why"),
                Finding(Location("inputs/partners/AM.yaml", None, None, ""), "policy.no-lead", "no lead",
                        Severity.ERROR, None)]
    contexts = [f"strategy-{n}" for n in range(6)]
    for context in contexts:
        cache.store_checks(document, context, findings if context == "strategy-0" else [])
    assert cache.checks(document, "strategy-0") == findings
    cache.flush()
    again = InputCache(folder)
    assert again.checks(document, "strategy-0") == findings
    assert all(again.checks(document, context) == [] for context in contexts[1:])
    assert again.checks(document, "another strategy") is None
    other, _ = parse_yaml(path.read_bytes() + b"\n# edited\n", path, "inputs/partners/AM.yaml")
    assert other is not None and again.checks(other, "strategy-0") is None


def _payload_stamps(project: Path) -> dict[Path, tuple[int, bytes]]:
    return {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in _payloads(project)}


@pytest.mark.parametrize("damaged", [False, True], ids=["as written", "after a repair"])
def test_an_unchanged_file_is_not_parsed_again(sample_project: Path, damaged: bool) -> None:
    """docs/build.md: an unchanged file is not parsed again; its data and positions come from its payload,
    which a cached load reads and never rewrites (a damaged payload is repaired once, with the data)."""
    def load_everything() -> None:
        project = _load(sample_project, cached=True).project
        assert project is not None
        assert project.strategy_document.data and project.strategy_document.source_map
        for partner in project.partners:  # every deferred model, data and position is used
            assert partner.model.code == partner.code and partner.document.data and partner.document.source_map

    load_everything()
    if damaged:
        for payload in _payloads(sample_project):
            payload.write_bytes(b"not json at all")
        load_everything()  # repairs
    before = _payload_stamps(sample_project)
    load_everything()
    assert _payload_stamps(sample_project) == before


def test_closing_the_cache_waits_for_its_writer(sample_project: Path) -> None:
    import threading

    folder = sample_project / "build" / ".cache" / "inputs"
    cache = InputCache(folder, background=True)
    for path in sorted((sample_project / "inputs" / "partners").glob("*.yaml")):
        document, _ = parse_yaml(path.read_bytes(), path, f"inputs/partners/{path.name}")
        assert document is not None
        cache.store(document, {"code": path.stem})
    cache.flush()
    cache.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("input-cache")]
    assert (folder / "index.json").is_file() and len(_payloads(sample_project)) == 12


def test_a_build_s_background_writer_also_removes_payloads_of_another_version(sample_project: Path) -> None:
    """The build writes the cache on a thread of its own: strays go there too, and cached documents keep
    their file's path and name."""
    folder = sample_project / "build" / ".cache" / "inputs"
    _load(sample_project, cached=True)
    stray = folder / ("0" * 64 + ".json")
    stray.write_text("{}", encoding="utf-8")
    (folder / "index.json").write_text("{}", encoding="utf-8")  # as a newer version of the tool finds it
    path = sample_project / "inputs" / "partners" / "AM.yaml"
    document, _ = parse_yaml(path.read_bytes(), path, "inputs/partners/AM.yaml")
    assert document is not None
    cache = InputCache(folder, background=True)
    cache.store(document, {"code": "AM"})
    cache.flush()
    cache.close()
    assert not stray.exists()
    cached = InputCache(folder).lookup(path.read_bytes(), path, "inputs/partners/AM.yaml")
    assert cached is not None and cached.document.path == path
    assert cached.document.display_name == "inputs/partners/AM.yaml" and cached.document.raw == path.read_bytes()


def _small_documents(folder: Path, count: int) -> list:
    documents = []
    for n in range(count):
        path = folder / f"f{n}.yaml"
        document, findings = parse_yaml(f"n: '{n}'\n".encode(), path, f"f{n}.yaml")
        assert document is not None and not findings
        documents.append(document)
    return documents


@pytest.mark.parametrize(("stored", "pruned"), [(20, False), (21, True)])
def test_entries_no_run_used_are_pruned_once_they_outnumber_twice_those_in_use_and_sixteen(
        tmp_path: Path, stored: int, pruned: bool) -> None:
    """The InputCache's rule: entries unused by a run are dropped (with their payloads) once the cache holds
    more than twice as many entries as the run used, plus sixteen; until then they are kept."""
    folder = tmp_path / "cache"
    documents = _small_documents(tmp_path, stored)
    first = InputCache(folder)
    for document in documents:
        first.store(document, {"n": document.display_name})
    first.flush()
    second = InputCache(folder)
    for document in documents[:2]:  # this run uses two: 2 * 2 + 16 = 20
        assert second.lookup(document.raw, document.path, document.display_name) is not None
    second.flush()
    third = InputCache(folder)
    kept = [d for d in documents if third.lookup(d.raw, d.path, d.display_name) is not None]
    assert kept == (documents[:2] if pruned else documents)
    assert len([p for p in folder.iterdir() if p.name != "index.json"]) == len(kept)


def test_checks_against_other_strategies_are_kept_up_to_four_and_past_that_only_those_in_use(
        tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    [document] = _small_documents(tmp_path, 1)

    def contexts() -> set[str]:
        index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
        return {key.split("\0")[1] for key in index["files"][document.sha256]["checks"]}

    first = InputCache(folder)
    first.store(document, {})
    for n in range(4):
        first.store_checks(document, f"strategy-{n}", [])
    first.flush()
    second = InputCache(folder)
    assert second.checks(document, "strategy-0") == []
    second.store_checks(document, "strategy-0", [])  # changes the index, so that it is written again
    second.flush()
    assert contexts() == {f"strategy-{n}" for n in range(4)}, "four are kept, used or not"
    third = InputCache(folder)
    assert third.checks(document, "strategy-1") == []
    third.store_checks(document, "strategy-4", [])
    third.flush()
    assert contexts() == {"strategy-1", "strategy-4"}, "past four, only the checks this run used"


def test_a_run_that_finds_everything_in_the_cache_writes_nothing(sample_project: Path) -> None:
    _load(sample_project, cached=True)
    folder = sample_project / "build" / ".cache" / "inputs"
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.iterdir()}
    assert _load(sample_project, cached=True).project is not None
    assert {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.iterdir()} == before


def test_the_cache_is_written_by_the_one_writer_with_the_umask_and_a_failed_write_leaves_nothing(
        sample_project: Path) -> None:
    """Cache files follow the umask like every file the tool writes (they were private to their writer), and
    a write that fails (a full disk) costs only the cache: no temporary file is left behind."""
    import shutil
    import stat

    from fixtures.disk import file_size_limit
    from strategy_builder.files import UMASK

    fresh = _load(sample_project, cached=False)
    _load(sample_project, cached=True)
    folder = sample_project / "build" / ".cache" / "inputs"
    files = sorted(folder.iterdir())
    assert files and all(stat.S_IMODE(p.stat().st_mode) == 0o666 & ~UMASK for p in files)
    shutil.rmtree(folder)
    with file_size_limit(64):
        _assert_same_project(fresh, _load(sample_project, cached=True))
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]


def test_a_cache_folder_that_cannot_be_written_costs_only_the_cache(sample_project: Path) -> None:
    """A cache is an optimisation: when its folder cannot be made (here a file is in the way), the inputs
    load as without a cache, and nothing is reported."""
    fresh = _load(sample_project, cached=False)
    blocked = sample_project / "build" / ".cache" / "inputs"
    blocked.parent.mkdir(parents=True)
    blocked.write_bytes(b"in the way")
    _assert_same_project(fresh, _load(sample_project, cached=True))
    assert blocked.read_bytes() == b"in the way"


_WRONG_SHAPES = {"files that are a list": None, "an entry that is a list": [],
                 "checks that are a list": {"summary": {}, "checks": []},
                 "a summary that is a list": {"summary": [], "checks": {}}}


@pytest.mark.parametrize("shape", sorted(_WRONG_SHAPES))
def test_an_index_of_the_wrong_shape_is_ignored(sample_project: Path, shape: str) -> None:
    """An index of this code's fingerprint whose files, or one of whose entries, have the wrong shape."""
    from strategy_builder.inputs.cache import code_fingerprint

    fresh = _load(sample_project, cached=False)
    _load(sample_project, cached=True)
    index = sample_project / "build" / ".cache" / "inputs" / "index.json"
    shaped = json.loads(index.read_text(encoding="utf-8"))
    assert shaped["fingerprint"] == code_fingerprint()
    if _WRONG_SHAPES[shape] is None:
        shaped["files"] = list(shaped["files"])
    else:
        for digest in shaped["files"]:
            shaped["files"][digest] = _WRONG_SHAPES[shape]
    index.write_text(json.dumps(shaped), encoding="utf-8")
    _assert_same_project(fresh, _load(sample_project, cached=True))


@pytest.mark.parametrize("damage", [b'"text"\n{"values": [1, 1], "keys": []}', b"PAD"])
def test_a_payload_of_another_shape_is_ignored(sample_project: Path, damage: bytes) -> None:
    """A payload whose data is not a mapping, or whose key positions are too many for its data, is not used."""
    fresh = _load(sample_project, cached=False)
    _load(sample_project, cached=True)
    for payload in _payloads(sample_project):
        if damage == b"PAD":
            data, _, positions = payload.read_bytes().partition(b"\n")
            padded = json.loads(positions)
            padded["keys"] += [1, 1]
            payload.write_bytes(data + b"\n" + json.dumps(padded).encode())
        else:
            payload.write_bytes(damage)
    _assert_same_project(fresh, _load(sample_project, cached=True))


def test_without_its_payload_a_cached_file_gives_its_data_from_its_bytes(sample_project: Path) -> None:
    path = sample_project / "inputs" / "partners" / "AM.yaml"
    document, _ = parse_yaml(path.read_bytes(), path, "inputs/partners/AM.yaml")
    assert document is not None
    folder = sample_project / "build" / ".cache" / "inputs"
    cache = InputCache(folder)
    cache.store(document, {"code": "AM"})
    cache.flush()
    for payload in _payloads(sample_project):
        payload.unlink()
    cached = InputCache(folder).lookup(path.read_bytes(), path, "inputs/partners/AM.yaml")
    assert cached is not None
    assert json.loads(cached.data_json()) == document.data == json.loads(cached.data_json(from_source=True))


def test_an_index_that_contradicts_its_file_names_the_file_and_says_what_to_do(sample_project: Path) -> None:
    """Only a hand-edited index can say that bytes which do not read cleanly did: the error names the file
    and says that deleting the cache is safe (exit 2, an environment problem)."""
    from strategy_builder.inputs.cache import CacheDamaged

    folder = sample_project / "build" / ".cache" / "inputs"
    broken = b"code: [unclosed\n"
    cache = InputCache(folder)
    cache.store(_small_documents(sample_project, 1)[0], {})
    cache.flush()
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    index["files"][hashlib.sha256(broken).hexdigest()] = {"summary": {"code": "AM"}, "checks": {}}
    (folder / "index.json").write_text(json.dumps(index), encoding="utf-8")
    path = sample_project / "inputs" / "partners" / "AM.yaml"
    cached = InputCache(folder).lookup(broken, path, "inputs/partners/AM.yaml")
    assert cached is not None
    with pytest.raises(CacheDamaged) as damaged:
        cached.document.data  # noqa: B018 - reading the data is what fails
    assert str(damaged.value).startswith("inputs/partners/AM.yaml: the cached reading of this file is damaged")
    assert damaged.value.hint == "delete the folder build/.cache (only a cache) and run again"
    assert damaged.value.exit_code == 2
