"""One line describing the machine a benchmark ran on (cores, CPU model, memory, Python), for RESULTS.md."""

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
