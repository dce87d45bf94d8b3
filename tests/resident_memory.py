"""How much a call grows the process's resident memory at its peak, C and C++ allocations included (qpdf,
zlib, pyHanko's bytes): Linux's high-water mark (VmHWM), reset before the call through /proc/self/clear_refs.

tracemalloc would not do: it sees Python's allocations only, not a C++ library's.
"""

import contextlib
import dataclasses
import re
import time
from pathlib import Path

STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")


def _kib(field: str) -> int:
    return int(re.search(rf"^{field}:\s+(\d+) kB", STATUS.read_text(), re.MULTILINE).group(1))


@dataclasses.dataclass
class Peak:
    mib: float = 0.0  # growth of the resident peak over the resident size before the call
    seconds: float = 0.0


@contextlib.contextmanager
def resident_peak():
    """`with resident_peak() as peak: call()`; then `peak.mib` and `peak.seconds`."""
    CLEAR_REFS.write_text("5")  # "5" resets the peak resident size to the present one (Linux 4.0+)
    before = _kib("VmRSS")
    peak = Peak()
    started = time.monotonic()
    try:
        yield peak
    finally:
        peak.seconds = time.monotonic() - started
        peak.mib = (_kib("VmHWM") - before) / 1024
