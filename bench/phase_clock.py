"""Time the packet build's phases from outside: the production code carries no measuring hook.

`PhaseClock.instrument()` wraps, in this process only (each benchmark build runs in a fresh process of its
own), the functions the build calls for each step, and adds up their wall time per phase:

- render: `part_process.render_part`, one Typst compile in a process of its own (also per template);
- assemble: `part_process.page_count` (pikepdf counts each part's pages) and `render.packet_assemble`;
- seal: `build.seal_pdf`; store: `build.packet_store` (the file and the row);
- gather: the rest of `packet_render` (database, decryption, hashes, the data of each part).

It also notes the process's peak resident memory when each phase last ended (a high-water mark: the first
phase that shows the final peak reached it); gather ends where a compile or the assembly begins.
"""

import collections
import contextlib
import functools
import resource
import time
from collections.abc import Callable, Iterator


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class PhaseClock:
    def __init__(self):
        self.seconds: dict[str, float] = collections.defaultdict(float)
        for phase in ("gather", "render", "assemble", "seal", "store"):  # in the order they first run
            self.seconds[phase] = 0.0
        self.peak_mib: dict[str, float] = {}
        self.templates: dict[str, list] = collections.defaultdict(lambda: [0, 0.0])  # parts, seconds

    @contextlib.contextmanager
    def __call__(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[phase] += time.perf_counter() - started
            self.peak_mib[phase] = _peak_mib()

    def _timed(self, phase: str, function: Callable, *, ends_gathering: bool = False) -> Callable:
        @functools.wraps(function)
        def timed(*args, **kwargs):
            if ends_gathering:
                self.peak_mib["gather"] = _peak_mib()
            with self(phase):
                return function(*args, **kwargs)

        return timed

    def _render_part(self, function: Callable) -> Callable:
        timed = self._timed("render", function, ends_gathering=True)

        @functools.wraps(function)
        def render_part(template: str, data: dict) -> bytes:
            started = time.perf_counter()
            pdf = timed(template, data)
            self.templates[template][0] += 1
            self.templates[template][1] += time.perf_counter() - started
            return pdf

        return render_part

    def _packet_render(self, function: Callable) -> Callable:
        @functools.wraps(function)
        def packet_render(*args, **kwargs):
            started = time.perf_counter()
            measured = self.seconds["render"] + self.seconds["assemble"]
            try:
                return function(*args, **kwargs)
            finally:
                inner = self.seconds["render"] + self.seconds["assemble"] - measured
                self.seconds["gather"] += time.perf_counter() - started - inner

        return packet_render

    def instrument(self) -> None:
        """Wrap the build's steps in this process (for good: the process measures one build)."""
        from initiative.filing.packet import build, part_process, render

        part_process.render_part = self._render_part(part_process.render_part)
        part_process.page_count = self._timed("assemble", part_process.page_count)
        render.packet_assemble = self._timed("assemble", render.packet_assemble, ends_gathering=True)
        build.packet_render = self._packet_render(build.packet_render)
        build.seal_pdf = self._timed("seal", build.seal_pdf)
        build.packet_store = self._timed("store", build.packet_store)
