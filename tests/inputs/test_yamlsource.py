"""The strict YAML reader (inputs/yamlsource.py): what its checks before parsing may skip."""

from __future__ import annotations

from pathlib import Path

from strategy_builder.inputs import yamlsource
from strategy_builder.inputs.yamlsource import parse_yaml

_EVERY_CHARACTER = "".join(map(chr, range(0x110000)))


def test_a_text_of_printable_lines_holds_nothing_the_character_and_tab_checks_look_for() -> None:
    """Every character the checks refuse, and the tab, is one that makes a text not printable: a text that is
    printable once its line feeds are removed can skip them (checked over every code point)."""
    looked_for = [*yamlsource._FORBIDDEN_CHARACTER.findall(_EVERY_CHARACTER),
                  *yamlsource._YAML_FORBIDDEN_CHARACTER.findall(_EVERY_CHARACTER), "\t"]
    assert len(looked_for) > 2000  # the surrogates among them
    assert not [c for c in looked_for if c.isprintable()]


def test_texts_that_are_not_printable_are_still_checked(tmp_path: Path) -> None:
    for text, code in [("name: a\n\tcode: AM\n", "yaml.tab-indentation"),
                       ("name: a\x0cb\n", "text.forbidden-character"),
                       ("name: a\u00a0\x86b\n", "text.forbidden-character"),
                       ("name: \u00a0a\r\ncode:\tAM\r\n", None)]:  # a no-break space, CRLF, a tab after a key
        document, findings = parse_yaml(text.encode("utf-8"), tmp_path / "x.yaml", "x.yaml")
        assert [f.code for f in findings] == ([code] if code else []), text
        assert (document is None) == (code is not None)
