"""The crash rounds: start a console (tests/crash/harness.py) or an import, SIGKILL it, restart,
and check what must hold. Used by tests/crash/test_crash.py (short form) and scripts/crash
(long form: `scripts/crash --rounds 100`).

After every restart: every accepted send exists exactly once (its outbox row `sent`, one stored
post linked to it), every row's state agrees with the stored posts, no question posted by the
outbox is offered again (the plan's next question is after it), `PRAGMA integrity_check` is ok,
and no process started by the round is left.
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tchat_tui.store.outbox_status import DONE
from tchat_tui.ui.pacing import next_question, question_states
from tests.crash.chat_files import QUESTIONS, TAG, write_plan, write_stream

ROOT = Path(__file__).resolve().parents[2]
HARNESS = Path(__file__).with_name("harness.py")
_QN = re.compile(r"^Q(\d+):")


def _env() -> dict[str, str]:
    """The subprocesses run this checkout's code (the venv's editable install may be another's)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("TCHAT_X_API_BASE", None)
    return env


class Child:
    """A subprocess whose stdout lines are read as they come."""

    def __init__(self, args: list[str]) -> None:
        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
            cwd=ROOT,
            start_new_session=True,  # its own group: whatever it forks can be found and ended
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.errors: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, daemon=True),
            threading.Thread(target=self._read_errors, daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def _read_errors(self) -> None:
        assert self.proc.stderr is not None
        self.errors.extend(self.proc.stderr)

    def wait_for(self, prefix: str, timeout: float) -> str | None:
        """The next line starting with `prefix` (lines before it are kept in `seen`)."""
        end = time.monotonic() + timeout
        while (left := end - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=min(left, 0.5))
            except queue.Empty:
                if self.proc.poll() is not None and self.lines.empty():
                    return None
                continue
            self.seen.append(line)
            if line.startswith(prefix):
                return line
        return None

    def kill(self) -> None:
        """SIGKILL the process (not its group: a child must end on its own), and reap it."""
        try:
            os.kill(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()

    def finish(self, timeout: float) -> tuple[int, str]:
        """Wait for the exit; (exit code, stderr). Every stdout line read ends in `seen`."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        for reader in self._readers:
            reader.join(5)  # a child it forked may hold the pipes: do not wait for ever
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return self.proc.returncode, "".join(self.errors)

    def end_group(self) -> None:
        """SIGKILL whatever is left in the process group (cleanup only, not checked)."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def accepted(self) -> set[int]:
        """The row ids of every `ACCEPTED` line printed."""
        return {
            int(i) for line in self.seen if line.startswith("ACCEPTED") for i in line.split()[1:]
        }


def processes_naming(path: Path) -> list[int]:
    """Pids of processes whose command line names `path` (this process aside)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().split(") ", 1)[1][:1]
        except OSError:
            continue
        if str(path) in cmd and state != "Z":
            found.append(int(entry.name))
    return found


def check_database(db: Path, accepted: set[int]) -> list[str]:
    """What must hold in the chat database after a restart (one line per anomaly)."""
    out: list[str] = []
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        verdict = con.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            out.append(f"integrity_check: {verdict}")
        rows = {int(r["id"]): r for r in con.execute("SELECT * FROM outbox")}
        linked: dict[int, int] = dict(
            con.execute(
                "SELECT outbox_id, count(*) FROM posts WHERE outbox_id IS NOT NULL GROUP BY outbox_id"
            ).fetchall()
        )
        for oid in sorted(accepted - rows.keys()):
            out.append(f"accepted row {oid} is not in the outbox")
        posted: list[int] = []
        for oid, row in rows.items():
            n, status = linked.get(oid, 0), row["status"]
            if status in DONE and n != 1:
                out.append(f"row {oid} sent with {n} stored posts")
            elif status not in DONE and n:
                out.append(f"row {oid} {status} with {n} stored posts")
            if oid in accepted and status not in DONE:
                out.append(f"accepted row {oid} ended {status}: {row['error']}")
            if status in DONE and (m := _QN.match(str(row["text"]))):
                posted.append(int(m.group(1)))
        for oid in linked.keys() - rows.keys():
            out.append(f"a post is linked to outbox row {oid}, which does not exist")
        questions = [dict(r) for r in con.execute("SELECT * FROM questions ORDER BY number")]
        marked = {q["number"] for q in questions if q["posted_at"]}
        for n in sorted(set(posted) - marked):
            out.append(f"Q{n} was sent but is not marked posted")
        if posted:
            nxt = next_question(question_states(questions))
            if nxt is not None and nxt[0] <= max(posted):
                out.append(f"Q{nxt[0]} offered again after Q{max(posted)} was posted")
    finally:
        con.close()
    return out


@dataclass
class Crash:
    """One working folder: a chat database killed and restarted round after round."""

    folder: Path
    rng: random.Random
    sends: int = 40
    accepted: set[int] = field(default_factory=set)
    anomalies: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.db = self.folder / "chat.db"
        self.plan = write_plan(self.folder / "plan.toml")
        self.stream = write_stream(self.folder / "stream.jsonl", 1500, minutes=60)

    def harness(self, mode: str, *extra: str) -> Child:
        """Start the harness in `mode` on this folder's chat."""
        args = [sys.executable, str(HARNESS), mode, str(self.db), str(self.stream), str(self.plan)]
        return Child(args + ["--seed", str(self.rng.randrange(10**6)), *extra])

    def console_cli(self, *args: str) -> Child:
        """`tchat-live ARGS` on this folder's chat."""
        return Child([sys.executable, "-m", "tchat_tui", *args])

    def note(self, what: str, problems: list[str]) -> None:
        self.anomalies.extend(f"{what}: {p}" for p in problems)

    def kill_console(self, when: str) -> str:
        """Start a console, SIGKILL it at a random moment (`random`), 0-60 ms after the k-th
        accepted submit (`accepted`) or 0-2 ms after the outbox began storing a sent row
        (`storing`), restart it, check. Returns a one-line description."""
        child = self.harness("run", "--sends", str(self.sends))
        if when == "random":  # from the moment it starts: opening, migrating, sending
            wait = self.rng.uniform(0, 2.5)
            time.sleep(wait)
            what = f"killed {wait * 1000:.0f} ms after it was started"
        elif when == "storing":  # while the outbox stores a sent row and its post
            line = child.wait_for("STORING", 60)
            wait = self.rng.uniform(0, 0.002)
            time.sleep(wait)
            what = f"killed {wait * 1000:.1f} ms after the outbox began storing a send"
            if line is None:
                what += " (it never did)"
        elif child.wait_for("READY", 60) is None:
            code, err = child.finish(10)
            self.note("start", [f"the console did not start (exit {code}): {err.strip()[-300:]}"])
            return "no start"
        else:
            k = self.rng.randint(1, 8)
            for _ in range(k):
                if child.wait_for("ACCEPTED", 30) is None:
                    break
            wait = self.after_enter()
            time.sleep(wait)
            what = f"killed {wait * 1000:.1f} ms after accepted send #{k}"
        child.kill()
        child.finish(5)
        self.accepted |= child.accepted()
        self.restart(what)
        return what

    def after_enter(self) -> float:
        """How long after an accepted submit to kill: 0-60 ms, half the time within 3 ms, when
        the outbox worker is sending that row (its row and its post are being written)."""
        return self.rng.uniform(0, 0.003 if self.rng.random() < 0.5 else 0.060)

    def restart(self, what: str) -> None:
        """Check no process is left, restart (drain), check the database."""
        left = processes_naming(self.db)
        if left:
            self.note(what, [f"processes left: {left}"])
        again = self.harness("drain")
        code, err = again.finish(90)
        if code != 0 or "DONE" not in again.seen:
            self.note(what, [f"restart exit {code}: {err.strip()[-300:]} {again.seen[-1:]}"])
        self.note(what, check_database(self.db, self.accepted))

    def two_consoles(self) -> str:
        """A second console (and an import) on the chat a running console holds: refused, in one
        line, before any screen; then the first is killed and the chat restarts."""
        first = self.harness("run", "--sends", "400", "--gap", "0.05")
        if first.wait_for("READY", 60) is None:
            self.note("two consoles", ["the first console did not start"])
            first.kill()
            return "no start"
        first.wait_for("ACCEPTED", 30)
        pid = first.proc.pid
        expected = f"this chat is open in another console (pid {pid}"
        second = self.console_cli(
            "--db", str(self.db), "--replay", str(self.stream), "--plan", str(self.plan)
        )
        code, err = second.finish(30)
        if code != 2 or expected not in err or len(err.strip().splitlines()) != 1:
            self.note("second console", [f"exit {code}, said {err.strip()[-300:]!r}"])
        imported = self.console_cli(
            "import", str(self.stream), "--db", str(self.db), "--plan", str(self.plan)
        )
        code, err = imported.finish(60)
        if code != 2 or expected not in err:
            self.note("import into an open chat", [f"exit {code}, said {err.strip()[-300:]!r}"])
        for _ in range(self.rng.randint(0, 3)):
            first.wait_for("ACCEPTED", 10)
        time.sleep(self.after_enter())
        first.kill()
        first.finish(5)
        self.accepted |= first.accepted()
        self.restart("two consoles")
        return "second console and import refused; first killed"

    def kill_import(self, big: Path) -> str:
        """SIGKILL an import of a big stream into a new database, then import it again whole:
        every post once, integrity ok. (Whether its forked scorer outlives it is not checked
        here; whatever is left in its group is ended.)"""
        db = self.folder / f"import-{self.rng.randrange(10**6)}.db"
        run = self.console_cli("import", str(big), "--db", str(db), "--tag", TAG)
        wait = self.rng.uniform(0.3, 3.0)
        time.sleep(wait)
        run.kill()
        run.end_group()  # its forked scorer, if it outlived it (another fix; not checked here)
        run.finish(5)
        what = f"import killed after {wait * 1000:.0f} ms"
        again = self.console_cli("import", str(big), "--db", str(db), "--tag", TAG)
        code, err = again.finish(300)
        again.end_group()
        if code != 0:
            self.note(what, [f"import again: exit {code}: {err.strip()[-300:]}"])
            return what
        con = sqlite3.connect(db)
        try:
            verdict = con.execute("PRAGMA integrity_check").fetchone()[0]
            stored = con.execute("SELECT count(*), count(DISTINCT key) FROM posts").fetchone()
        finally:
            con.close()
        lines = sum(1 for _ in big.open(encoding="utf-8"))
        if verdict != "ok":
            self.note(what, [f"integrity_check: {verdict}"])
        if tuple(stored) != (lines, lines):
            self.note(what, [f"{stored[0]} posts stored ({stored[1]} keys) of {lines}"])
        return what


def run_rounds(folder: Path, rounds: int, seed: int, *, big_posts: int, log: bool) -> Crash:
    """`rounds` rounds on one chat: kills after an accepted send, while the outbox stores one and
    at random moments in turn; every 10th a second console, every 10th (offset) a killed import."""
    crash = Crash(folder, random.Random(seed))
    big = write_stream(folder / "big.jsonl", big_posts, seed=seed + 1) if big_posts else None
    for i in range(rounds):
        if i % 10 == 4:
            what = crash.two_consoles()
        elif i % 10 == 9 and big is not None:
            what = crash.kill_import(big)
        else:
            what = crash.kill_console(("accepted", "storing", "random")[i % 3])
        if log:
            print(
                f"round {i + 1}/{rounds}: {what}; accepted so far {len(crash.accepted)};"
                f" anomalies {len(crash.anomalies)}",
                flush=True,
            )
    return crash


def main(argv: list[str] | None = None) -> int:
    """`scripts/crash --rounds N`: run the rounds, print each and the anomalies."""
    import tempfile

    ap = argparse.ArgumentParser(prog="scripts/crash", description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--import-posts", type=int, default=50_000, help="posts in the killed imports")
    args = ap.parse_args(argv)
    print(f"crash rounds: {args.rounds}, seed {args.seed}", flush=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tchat-crash-") as tmp:
        crash = run_rounds(Path(tmp), args.rounds, args.seed, big_posts=args.import_posts, log=True)
    for line in crash.anomalies:
        print(f"ANOMALY {line}")
    print(
        f"rounds: {args.rounds}; accepted sends: {len(crash.accepted)}; questions: {QUESTIONS}"
        f" in the plan; anomalies: {len(crash.anomalies)}; {time.monotonic() - started:.0f} s"
    )
    return 1 if crash.anomalies else 0


if __name__ == "__main__":
    sys.exit(main())
