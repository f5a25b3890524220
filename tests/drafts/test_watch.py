"""The watcher in process: a saved partner file rebuilds that partner only; strategy.yaml rebuilds all;
problems are reported and the watch goes on."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_sample
from strategy_builder.drafts.builder import BuildOptions
from strategy_builder.drafts.watch import WatchEvent, watch_previews
from strategy_builder.errors import InputProblems


def test_each_save_rebuilds_what_it_concerns(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("STRATEGY_BUILDER_LAYOUT", "off")
    project = copy_sample(tmp_path / "project")
    partner = project / "inputs" / "partners" / "GE.yaml"
    translation = project / "inputs" / "translations" / "ru" / "KZ.yaml"
    strategy = project / "inputs" / "strategy.yaml"
    saves = [
        lambda: partner.write_text(partner.read_text(encoding="utf-8").replace("situation: |\n",
                                                                               "situation: |\n  Saved.\n\n", 1)),
        lambda: translation.write_text(translation.read_text(encoding="utf-8").replace(
            "text: Республика Казахстан", "text: Республика Казахстан (сохранено)", 1), encoding="utf-8"),
        lambda: partner.write_text("code: GE\nbogus: [\n", encoding="utf-8"),
        lambda: strategy.write_text(strategy.read_text(encoding="utf-8") + "\n# saved\n", encoding="utf-8"),
    ]
    events: list[WatchEvent] = []

    def report(event: WatchEvent) -> None:
        events.append(event)
        if saves:
            saves.pop(0)()

    watch_previews(project, BuildOptions(jobs=1), report, stop=lambda: len(events) == 5, interval=0.01)
    first, saved, translated, broken, shared = events
    assert first.changed == () and first.result is not None
    assert len([p for p in first.result.partners if not p.language]) == 12
    assert saved.changed == ("inputs/partners/GE.yaml",) and saved.result is not None
    assert [p.code for p in saved.result.partners if p.rendered] == ["GE"]
    # A saved translation rebuilds that partner: its Russian version is written again.
    assert translated.changed == ("inputs/translations/ru/KZ.yaml",) and translated.result is not None
    assert [(p.code, p.language) for p in translated.result.partners if p.rendered] == [("KZ", "ru")]
    assert isinstance(broken.problem, InputProblems) and broken.result is None
    assert shared.changed == ("inputs/strategy.yaml",)
    # strategy.yaml changed: every partner but the broken one is rebuilt; the broken one is reported.
    assert isinstance(shared.problem, InputProblems)
