"""Every limit on what strategy-builder reads, in one place.

Each limit has a name, a value, a unit and the reason for it; docs/security.md shows the same table
(``tests/test_limits.py`` compares the two, and feeds each limit a hostile file at the limit and one
past it). Readers import the constants below; nothing else in the package states a limit of its own.

The values keep every command on any input within the limits under 500 MB of memory (measured in
``benchmarks/limits_bench.py``, figures in docs/security.md) and give ordinary files ample room: a
70-page draft is under 200 KB, a rich partner file about 20 KB.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

KiB = 1024
MiB = 1024 * KiB

Unit = Literal["bytes", "count", "ratio", "levels", "characters"]


class Limit(NamedTuple):
    """One documented limit: ``name`` as in docs/security.md, what it bounds, and why."""

    name: str
    value: int
    unit: Unit
    applies_to: str
    why: str

    def display(self) -> str:
        """The value as docs/security.md writes it: ``64 MiB``, ``4,000``, ``200:1``, ``32 levels``."""
        if self.unit == "bytes":
            if self.value % MiB == 0:
                return f"{self.value // MiB} MiB"
            if self.value % KiB == 0:
                return f"{self.value // KiB} KiB"
            return f"{self.value:,} bytes"
        if self.unit == "ratio":
            return f"{self.value}:1"
        if self.unit == "levels":
            return f"{self.value} levels"
        if self.unit == "characters":
            return f"{self.value:,} characters"
        return f"{self.value:,}"


LIMITS: dict[str, Limit] = {}


def _limit(name: str, value: int, unit: Unit, applies_to: str, why: str) -> int:
    LIMITS[name] = Limit(name, value, unit, applies_to, why)
    return value


# ----------------------------------------------------------------------------- YAML inputs

YAML_FILE_BYTES = _limit("YAML file", 1 * MiB, "bytes", "strategy.yaml, partner files",
                         "a rich partner file is about 20 KB")
YAML_DEPTH = _limit("YAML nesting", 32, "levels", "strategy.yaml, partner files",
                    "the input model needs seven levels")
FINDINGS_PER_FILE = _limit("findings per file", 50, "count", "check, build",
                           "then one finding says how many more there are: 100,000 stray keys are reported in about "
                           "a second")

LOGO_BYTES = _limit("logo image", 8 * MiB, "bytes", "series.logo of strategy.yaml",
                    "a logo is a few tens of KB; it goes into every draft")

# ----------------------------------------------------------------------------- Word documents (.docx)

DOCX_FILE_BYTES = _limit("Word file", 64 * MiB, "bytes", "templates, drafts, returned files",
                         "a 70-page draft is under 200 KB; images make the rest")
ZIP_MEMBERS = _limit("zip members", 4000, "count", "every .docx and .xlsx",
                     "Word writes a few dozen; each member costs a directory entry")
ZIP_MEMBER_BYTES = _limit("one zip member, inflated", 128 * MiB, "bytes", "every .docx (media included)",
                          "checked in the zip directory before inflating; media are streamed, never held")
ZIP_TOTAL_BYTES = _limit("all zip members, inflated", 512 * MiB, "bytes", "every .docx (media included)",
                         "checked in the zip directory before inflating")
RETURN_MEMBER_BYTES = _limit("one member of a returned file, inflated", 64 * MiB, "bytes",
                             "files read by comments", "a return is text; its media are never inflated")
RETURN_TOTAL_BYTES = _limit("all members of a returned file, inflated", 256 * MiB, "bytes",
                            "files read by comments", "checked in the zip directory before inflating")
ZIP_RATIO = _limit("compression ratio", 200, "ratio", "every zip member over 1 MiB",
                   "zip bombs; ordinary XML compresses about 10:1")
ZIP_RATIO_FLOOR_BYTES = 1 * MiB
"""Members smaller than this are never refused for their ratio (tiny parts compress oddly)."""
XML_PART_BYTES = _limit("XML part", 16 * MiB, "bytes", "every XML part of a .docx or .xlsx",
                        "a 70-page draft's document.xml is under 1 MiB")
XML_TOTAL_BYTES = _limit("all XML parts, inflated", 64 * MiB, "bytes", "every .docx",
                         "XML parts are held in memory while a document is read")
RELS_PART_BYTES = _limit("relationship part", 1 * MiB, "bytes", "every .rels part",
                         "a document has a few dozen relationships")
XML_TAGS = _limit("XML tags per document", 250_000, "count",
                  "all XML parts of one .docx together (counted as '<' before parsing)",
                  "a 70-page draft has about 10,000; a redline of two such documents whose every word differs "
                  "takes under 500 MB")
COMMENTS = _limit("comments per file", 20_000, "count", "returned files", "keeps anchor matching fast")
QUOTED_CHARS = _limit("commented text kept per comment", 2000, "characters", "returned files",
                      "a comment over a whole chapter needs only its beginning in the register")
CHANGE_CHARS = _limit("changed text kept per tracked change", 4000, "characters", "returned files",
                      "the register shows the change, not a chapter")

# ----------------------------------------------------------------------------- templates (Jinja sandbox)

SANDBOX_RANGE = _limit("range() length", 100_000, "count", "templates", "a loop over a range is a typo or an attack")
SANDBOX_RANGE_BUDGET = _limit("range() items per document", 1_000_000, "count", "templates",
                              "nested loops over ranges multiply")
SANDBOX_VALUE_BYTES = _limit("one template value", 1_000_000, "characters", "templates",
                             "checked before string and list multiplication, padding, formatting, joining and "
                             "printing build it")
SANDBOX_OUTPUT_BYTES = _limit("rendered part", 16_000_000, "characters", "templates",
                              "a rendered part must be readable as an XML part again")

# ----------------------------------------------------------------------------- comment registers

REGISTER_FILE_BYTES = _limit("register file", 64 * MiB, "bytes", "comment registers (.xlsx, .csv, .json, .html)",
                             "100,000 rows of returns take about 30 MB")
REGISTER_PART_BYTES = _limit("register sheet, inflated", 128 * MiB, "bytes", "the register sheet and shared "
                             "strings of an .xlsx", "streamed row by row, never parsed whole")
REGISTER_TOTAL_BYTES = _limit("all members of a register, inflated", 512 * MiB, "bytes", "an .xlsx register",
                              "members other than the register sheet are copied, not parsed")
REGISTER_ROWS = _limit("register rows", 200_000, "count", "comment registers",
                       "twelve partners, twenty ministries and ten drafts give far fewer")

# ----------------------------------------------------------------------------- translations

TRANSLATION_EXCHANGE_BYTES = _limit("translation exchange file", 32 * MiB, "bytes",
                                    "translate import (.xlf, .xliff, .xlsx)",
                                    "every value of twelve partners in one file is about 1 MB")

# ----------------------------------------------------------------------------- other files read

JSON_FILE_BYTES = _limit("manifest file", 64 * MiB, "bytes", "build/drafts/NNN/manifest.json",
                         "500 partners' manifest is about 8 MB")


__all__ = ["LIMITS", "Limit", "KiB", "MiB"] + [name for name in dir() if name.isupper() and name != "LIMITS"]
