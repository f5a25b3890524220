"""What every benchmark shares: the line describing the machine it ran on, and writing to RESULTS.md."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path


def describe_machine() -> str:
    """``2 cores (AMD EPYC ...), 23.5 GiB RAM, Python 3.11.7 (/usr), Linux``: the interpreter's installation
    too: builds differ in speed (a distribution's is usually compiled with profile-guided optimisation,
    pyenv's default build is not), and every figure of a process follows its interpreter."""
    cpu = "unknown CPU"
    ram = "unknown RAM"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))
        ram = f"{int(memory) / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration):
        pass
    return (f"{os.cpu_count()} cores ({cpu}), {ram}, Python {platform.python_version()} ({sys.base_prefix}), "
            f"{platform.system()}")


RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def publish(lines: list[str], append: bool) -> None:
    """Print a benchmark's result lines and, with ``append``, add them to benchmarks/RESULTS.md."""
    text = "\n".join(lines) + "\n"
    print(text)
    if append:
        with RESULTS.open("a", encoding="utf-8") as handle:
            handle.write(text)
