"""What the live X source adds on top of parsing: stream lines -> posts handed to the sink.

Run: .venv/bin/python bench/bench_x_stream.py
Feeds 20,000 recorded-shape stream lines, 50 per drain, through XSource's drain (rule filter, parse, id order,
cost meter) and prints microseconds per line and the ratio against the baseline measured in the
same run: `parse_stream_line` alone over the same lines (what the replay does).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tchat_tui.clients.x.stream_line import parse_stream_line  # noqa: E402
from tchat_tui.domain.cost import CostMeter  # noqa: E402
from tchat_tui.sources.resume import MemoryCursor  # noqa: E402
from tchat_tui.sources.x.source import XSource  # noqa: E402

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "x" / "fixtures" / "stream.jsonl"
LINES = 20_000
BATCH = 50
"""Lines per drain: the source drains every 0.1 s, so 50 is a 500-posts-a-second burst."""


def lines() -> list[bytes]:
    """Distinct stream lines built from the recorded ones (new ids, same shapes)."""
    ours = [
        json.loads(raw)
        for raw in FIXTURE.read_bytes().decode().split("\r\n")
        if "tchat-live:pychat" in raw
    ]
    out = []
    base = int(ours[0]["data"]["id"])
    for i in range(LINES):
        obj: dict[str, Any] = json.loads(json.dumps(ours[i % len(ours)]))
        obj["data"]["id"] = str(base + (i << 22))
        out.append(json.dumps(obj, ensure_ascii=False).encode())
    return out


class NullSink:
    """Counts posts."""

    def __init__(self) -> None:
        self.count = 0

    def posts(self, posts: list[Any]) -> None:
        self.count += len(posts)

    def state(self, state: Any) -> None:
        pass

    def malformed(self, count: int, example: str) -> None:
        pass

    def edited(self, post: Any) -> None:
        pass

    def deleted(self, key: str) -> None:
        pass


def main() -> None:
    """Time both paths, best of three."""
    data = lines()
    texts = [raw.decode() for raw in data]

    def baseline() -> int:
        return sum(1 for t in texts if parse_stream_line(t) is not None)

    def source_path() -> int:
        src = XSource("PyChat", {"bearer_token": "x"}, cursor=MemoryCursor(), meter=CostMeter())
        sink = NullSink()
        src._sink, src._stop = sink, threading.Event()
        for i in range(0, len(data), BATCH):
            for raw in data[i : i + BATCH]:
                src._on_line(raw)
            src._drain_stream()
        return sink.count

    results = {}
    for name, fn in (("parse_stream_line (baseline)", baseline), ("XSource drain", source_path)):
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            n = fn()
            best = min(best, time.perf_counter() - t0)
        assert n == LINES, (name, n)
        results[name] = best
        print(f"{name:30s} {best / LINES * 1e6:7.1f} us/line")
    base = results["parse_stream_line (baseline)"]
    print(f"ratio XSource drain / baseline: {results['XSource drain'] / base:.2f}")


if __name__ == "__main__":
    main()
