"""Write one benchmark's figures into its own section of docs/benchmarks.md.

Each bench script owns the block between ``<!-- bench:NAME -->`` and
``<!-- /bench:NAME -->`` and replaces it whole, so scripts never clobber
each other's figures.
"""

import os
import platform
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def machine_line() -> str:
    """Describe the machine the figures come from."""
    try:
        cpu = subprocess.run(
            ["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
            capture_output=True, text=True, check=False,
        ).stdout.strip()
    except OSError:
        cpu = platform.processor()
    return (
        f"{os.cpu_count()} cores ({cpu or 'unknown CPU'}), "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def write_section(name: str, title: str, body: str) -> None:
    """Replace (or append) the section ``name`` with ``body`` and a provenance line."""
    command = " ".join(["python", *sys.argv]) if sys.argv else "python"
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = (
        f"<!-- bench:{name} -->\n## {title}\n\n"
        f"Command: `{command}`  \nMachine: {machine_line()}  \nRun: {stamp}\n\n"
        f"{body.strip()}\n<!-- /bench:{name} -->"
    )
    text = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S)
    text = pattern.sub(block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    BENCHMARKS.write_text(text, encoding="utf-8")
