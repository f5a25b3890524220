"""What every benchmark shares: the line describing the machine it ran on, and writing to RESULTS.md."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def describe_machine() -> str:
    """``2 cores (AMD EPYC ...), 23.5 GiB RAM, Python 3.11.7, Linux``."""
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
    return f"{os.cpu_count()} cores ({cpu}), {ram}, Python {platform.python_version()}, {platform.system()}"


RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def publish(lines: list[str], append: bool) -> None:
    """Print a benchmark's result lines and, with ``append``, add them to benchmarks/RESULTS.md."""
    text = "\n".join(lines) + "\n"
    print(text)
    if append:
        with RESULTS.open("a", encoding="utf-8") as handle:
            handle.write(text)
