"""Peak memory of every command on the largest inputs the limits let through (target: under 500 MB each).

Run by hand (not part of the tests); it writes about 100 MB of files and inflates several GB:

    python benchmarks/limits_bench.py [--no-append] [--only NAME]

Inputs (see strategy_builder/limits.py and the table in docs/security.md):

- ``media.docx``: the shipped template with four images of 127 MiB each inflated (508 MiB in all, within
  the 512 MiB total and 128 MiB per member, compression ratio about 150:1), read by ``sections``,
  ``comments``, ``diff`` and ``diff --redline``, and used as the template of a build and of ``template-check``;
- ``tags.docx``: a document.xml close to the per-document tag budget (600,000 tags), as two drafts
  compared by ``diff`` and ``diff --redline`` and read by ``comments``;
- registers near their limits: an .xlsx whose sheet inflates to about 120 MiB (``comments --register``),
  a CSV and a JSON register close to 64 MiB;
- a partner file of 1 MiB (``check``).

Each command runs in a fresh process; its peak resident memory (``wait4``'s ``ru_maxrss``) and wall time
are reported and appended to benchmarks/RESULTS.md with the machine and the date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from machine import describe_machine, publish  # benchmarks/machine.py: the script folder is on sys.path

import strategy_builder as sb
from openpyxl.utils import get_column_letter  # the spreadsheet column of a 1-based index (A, ..., AB)

REPO = Path(__file__).resolve().parent.parent
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MiB = 1024 * 1024
TARGET_MB = 500


def _sparse_block(seed: int) -> bytes:
    """1 MiB that deflates about 150:1 (a random byte every 600 zeros)."""
    block = bytearray(MiB)
    rng = random.Random(seed)
    for index in range(0, MiB, 600):
        block[index] = rng.randrange(1, 256)
    return bytes(block)


def media_docx(target: Path, images: int = 4, size_mib: int = 127) -> None:
    """The shipped template plus ``images`` PNG members of ``size_mib`` MiB each, streamed into the zip."""
    with zipfile.ZipFile(REPO / "templates" / "strategy.docx") as source, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info in source.infolist():
            out.writestr(info.filename, source.read(info))
        for number in range(images):
            info = zipfile.ZipInfo(f"word/media/large{number}.png")
            info.compress_type = zipfile.ZIP_DEFLATED
            block = _sparse_block(number)
            with out.open(info, "w", force_zip64=False) as stream:
                for _ in range(size_mib):
                    stream.write(block)


def tags_docx(target: Path, paragraphs: int, seed: int) -> int:
    """A document of ``paragraphs`` paragraphs of five words each; returns its tag count."""
    rng = random.Random(seed)
    words = ["migration", "partnership", "border", "return", "labour", "mobility", "data", "visa"]
    body = "".join(f"<w:p><w:r><w:t>{' '.join(rng.choice(words) for _ in range(5))}</w:t></w:r></w:p>"
                   for _ in range(paragraphs))
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>{body}'
           "<w:sectPr/></w:body></w:document>")
    with zipfile.ZipFile(REPO / "templates" / "strategy.docx") as source, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info.filename, xml.encode() if info.filename == "word/document.xml" else source.read(info))
    return xml.count("<")


def big_xlsx(target: Path, rows: int) -> None:
    """A register .xlsx of ``rows`` rows of the register's columns (inline strings), written directly."""
    header = "".join(f'<c r="{get_column_letter(i + 1)}1" t="inlineStr"><is><t>{c.header}</t></is></c>'
                     for i, c in enumerate(sb.REGISTER_COLUMNS))
    sheet = io.BytesIO()
    sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><sheetData><row r="1">' + header.encode() + b"</row>")
    for number in range(2, rows + 2):
        cells = "".join(f'<c r="{get_column_letter(i + 1)}{number}" t="inlineStr"><is><t>'
                        f'{"C-%08d" % number if i == 0 else "text of the cell, about forty chars"}</t></is></c>'
                        for i in range(len(sb.REGISTER_COLUMNS)))
        sheet.write(f'<row r="{number}">{cells}</row>'.encode())
    sheet.write(b"</sheetData></worksheet>")
    parts = {
        "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        b'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b'<sheets><sheet name="Register" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
        b'org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet.getvalue(),
    }
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)




def big_text_register(target: Path, limit: int) -> int:
    """A CSV or JSON register just under ``limit`` bytes; returns its rows."""
    headers = [c.header for c in sb.REGISTER_COLUMNS]
    rows = []
    size = 0
    number = 0
    while True:
        number += 1
        values = [f"C-{number:08d}"] + ["text of the cell, about forty characters"] * (len(headers) - 1)
        line = ",".join(values) + "\r\n" if target.suffix == ".csv" else json.dumps(dict(zip(headers, values,
                                                                                                  strict=True)))
        if size + len(line) + 100 > limit:
            break
        rows.append(values)
        size += len(line) + (4 if target.suffix == ".json" else 0)
    if target.suffix == ".csv":
        target.write_text(",".join(headers) + "\r\n" + "".join(",".join(v) + "\r\n" for v in rows), encoding="utf-8")
    else:
        payload = {"format": 1, "rows": [dict(zip(headers, v, strict=True)) for v in rows]}
        target.write_text(json.dumps(payload), encoding="utf-8")
    return len(rows)


_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-m", "strategy_builder", *sys.argv[1:]])
_, status, usage = os.wait4(pid, 0)
sys.stderr.write(f"\\nPEAK-KB {usage.ru_maxrss} EXIT {os.waitstatus_to_exitcode(status)}\\n")
"""


def measure(args: list[str], cwd: Path) -> tuple[int, float, float]:
    """(exit code, peak memory in MB, seconds) of ``strategy-builder ARGS`` as a fresh process.

    The command is started by a small launcher process, so that its peak memory does not include this
    script's (a forked child starts with its parent's resident size as its peak)."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", _LAUNCHER, *args], cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    last = result.stderr.strip().splitlines()[-1].split()
    peak_kb, code = int(last[1]), int(last[3])
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(args)}: exit {code}: {result.stderr[-2000:]}")
    return code, peak_kb / 1024, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-append", action="store_true", help="print only; do not append to RESULTS.md")
    parser.add_argument("--only", default=None, help="run only the cases whose name contains this")
    args = parser.parse_args()
    limits = sb.LIMITS

    results: list[tuple[str, str, int, float, float]] = []
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        project = root / "project"
        for name in ("inputs", "templates"):
            shutil.copytree(REPO / name, project / name)
        media = root / "media.docx"
        media_docx(media)
        returned_media = root / "returned-media.docx"
        media_docx(returned_media, images=3, size_mib=63)  # the limits of a returned file: 64 MiB, 256 MiB
        paragraphs = (limits["XML tags per document"].value - 3000) // 6  # six tags per paragraph
        old, new = root / "old.docx", root / "new.docx"
        tags = tags_docx(old, paragraphs, 1)
        tags_docx(new, paragraphs, 2)
        register_rows = 60_000  # inline strings: a sheet of about 120 MiB, under the 128 MiB limit
        xlsx = root / "register.xlsx"
        big_xlsx(xlsx, register_rows)
        csv_register, json_register = root / "register.csv", root / "register.json"
        csv_rows = big_text_register(csv_register, limits["register file"].value)
        json_rows = big_text_register(json_register, limits["register file"].value)
        with zipfile.ZipFile(xlsx) as archive:
            sheet_mib = archive.getinfo("xl/worksheets/sheet1.xml").file_size / MiB
        yaml_file = project / "inputs" / "partners" / "AM.yaml"
        text = yaml_file.read_text(encoding="utf-8")
        padding = "# " + "x" * 97 + "\n"
        yaml_file.write_text(text + padding * ((limits["YAML file"].value - len(text.encode())) // len(padding)),
                             encoding="utf-8")
        media_template = project / "templates" / "media.docx"
        shutil.copy(media, media_template)
        media_info = (f"{media.stat().st_size / MiB:.1f} MiB file, 4 images of 127 MiB")
        cases = [
            ("sections", media_info, ["sections", str(media)]),
            ("comments", "returned file: 3 images of 63 MiB", ["comments", str(returned_media), "--project",
                                                               str(project), "--format", "json"]),
            ("diff", media_info, ["diff", str(media), str(media), "--format", "json"]),
            ("diff --redline", media_info, ["diff", str(media), str(media), "--redline", str(root / "r1.docx")]),
            ("template-check", media_info, ["template-check", str(media_template), "--project", str(project)]),
            ("build", f"template: {media_info}; 12 partners, 2 workers",
             ["build", str(project), "--template", str(media_template), "--jobs", "2"]),
            ("comments (tags)", f"{tags:,} tags", ["comments", str(old), "--project", str(project)]),
            ("diff (tags)", f"two documents of {tags:,} tags", ["diff", str(old), str(new), "--format", "json"]),
            ("diff --redline (tags)", f"two documents of {tags:,} tags",
             ["diff", str(old), str(new), "--redline", str(root / "r2.docx")]),
            ("comments --register .xlsx", f"{register_rows:,} rows, sheet {sheet_mib:.0f} MiB inflated, "
             f"file {xlsx.stat().st_size / MiB:.1f} MiB", ["comments", str(old), "--project", str(project),
                                                          "--register", str(xlsx)]),
            ("comments --register .csv", f"{csv_rows:,} rows, {csv_register.stat().st_size / MiB:.1f} MiB",
             ["comments", str(old), "--project", str(project), "--register", str(csv_register)]),
            ("comments --register .json", f"{json_rows:,} rows, {json_register.stat().st_size / MiB:.1f} MiB",
             ["comments", str(old), "--project", str(project), "--register", str(json_register)]),
            ("check", "a partner file of 1 MiB", ["check", str(project)]),
        ]
        for name, what, command in cases:
            if args.only and args.only not in name:
                continue
            code, peak, seconds = measure(command, root)
            results.append((name, what, code, peak, seconds))
            print(f"{name}: {peak:.0f} MB, {seconds:.1f} s (exit {code})", file=sys.stderr)
    lines = [f"\n## limits benchmark (peak memory) — {dt.date.today().isoformat()}", "",
             f"Machine: {describe_machine()}", "", "| command | input | peak memory | time |", "|---|---|---|---|"]
    lines += [f"| `{name}` | {what} | {peak:.0f} MB{'' if peak < TARGET_MB else ' (over the target)'} | "
              f"{seconds:.1f} s |" for name, what, _, peak, seconds in results]
    worst = max(results, key=lambda r: r[3])
    lines += ["", f"Largest: `{worst[0]}` at {worst[3]:.0f} MB (target: under {TARGET_MB} MB for every command)."]
    publish(lines, append=not args.no_append)


if __name__ == "__main__":
    main()
