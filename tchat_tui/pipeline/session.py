"""Everything one console run needs, built from the command line's settings (no Textual here)."""

from __future__ import annotations

import getpass
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.classify import Classifier, Roster
from tchat_tui.domain.cost import PRICES_READ_ON, CostMeter
from tchat_tui.domain.errors import TchatError
from tchat_tui.domain.post import Network, Role
from tchat_tui.pipeline.foreground import Foreground
from tchat_tui.publish.base import DryRunPublisher, Publisher
from tchat_tui.sources.base import Source, SourceState

if TYPE_CHECKING:
    # The store, pipeline and outbox (and sqlite-utils under them) load in `open`: the console
    # paints its first frame before that.
    from tchat_tui.domain.plan.model import Plan
    from tchat_tui.pipeline.ingest import Pipeline, PipelineRunner, PostScorer
    from tchat_tui.publish.outbox import Outbox
    from tchat_tui.sources.replay import ReplaySource
    from tchat_tui.store.database import Store

APP_NAME = "tchat-live"
DEMO_SPEED = 10.0
"""The demo hour plays at 10x: six minutes."""


def data_dir() -> Path:
    """The user data folder where chat databases live by default."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path(tag: str) -> Path:
    """One database per tag in the user data folder."""
    safe = (
        "".join(ch for ch in tag.lstrip("#＃").casefold() if ch.isalnum() or ch in "-_") or "chat"
    )
    return data_dir() / f"{safe}.db"


def demo_files() -> tuple[Path, Path]:
    """The bundled demo chat (stream file) and its plan."""
    base = resources.files("tchat_tui") / "data" / "demo"
    return Path(str(base / "chat.jsonl")), Path(str(base / "plan.toml"))


def normalize_tag(tag: str) -> str:
    """'#Tag', 'Tag' and '＃Tag' all become 'Tag'."""
    return tag.strip().lstrip("#＃").strip()


class TagError(TchatError, ValueError):
    """The chat's tag is not a hashtag, or not the one of the plan or demo it goes with."""


def check_tag(tag: str) -> str:
    """`tag` without its '#' if X would read '#tag' as one whole hashtag, else TagError.

    The composer adds the tag to every post and refuses a post without it: a tag that is not a
    hashtag ('bad tag!', '#a#b', '123') would make every post unsendable.
    """
    from tchat_tui.domain.text.twitter.hashtags import extract_hashtags_with_indices

    bare = normalize_tag(tag)
    found = extract_hashtags_with_indices("#" + bare)
    if len(found) != 1 or found[0][0] != bare:
        raise TagError(
            f"{tag!r} is not a hashtag: letters, digits and _ only, not digits alone"
            " (quote it: tchat-live '#MyChat')"
        )
    return bare


@dataclass
class Settings:
    """What the command line (or a test) asks for."""

    tag: str
    db_path: Path | None = None
    replay: Path | None = None
    demo: bool = False
    speed: float | None = None
    plan_path: Path | None = None
    host: str | None = None
    guests: tuple[str, ...] = ()
    co_moderators: tuple[str, ...] = ()
    moderators: tuple[str, ...] = ()
    """Who may be on duty (switch with one key); the first starts on duty."""
    dry_run: bool = False
    networks: tuple[Network, ...] = (Network.X,)
    classic: bool = False
    """The classic 140 limit on X."""
    new_chat: bool = False
    start_sources: bool = True
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


class ChatClock:
    """The chat's time: the wall clock live, the recording's own time in a replay."""

    def __init__(self, wall: Callable[[], datetime], speed: float | None = None) -> None:
        self._wall = wall
        self.speed = speed
        self._origin: datetime | None = None
        self._mono0 = 0.0
        self._latest: datetime | None = None
        self._settled: tuple[datetime, datetime] | None = None
        """(chat time, wall time) when the recording ended, once it has."""

    def observe(self, created_at: datetime) -> None:
        """A replayed post arrived: anchor or advance the replay clock."""
        if self.speed is None:
            return
        if self._origin is None:
            self._origin = created_at
            self._mono0 = time.monotonic()
        if self._latest is None or created_at > self._latest:
            self._latest = created_at

    def rebase(self, at: datetime) -> None:
        """Make `at` the chat time now (a resumed replay goes on from there)."""
        if self.speed is not None:
            self._origin = at
            self._mono0 = time.monotonic()

    def settle(self) -> None:
        """The recording ended: from its last post on, the chat's time runs at real time (a
        post the host sends afterwards is stamped a moment after the chat, not hours later at
        the replay's speed)."""
        if self.speed is None or self._origin is None or self._settled is not None:
            return
        # Measured on the wall clock from here on (a frozen one in tests stays frozen).
        self._settled = (self._latest or self.now(), self._wall())
        self.speed = 1.0

    def now(self) -> datetime:
        """The current chat time."""
        if self.speed is None or self._origin is None:
            return self._wall()
        if self._settled is not None:
            chat, wall = self._settled
            settled = chat + (self._wall() - wall)
            # A post arriving afterwards (another source) still moves the chat's time on.
            return max(settled, self._latest) if self._latest is not None else settled
        if self.speed <= 0:
            return self._latest or self._origin
        return self._origin + timedelta(seconds=(time.monotonic() - self._mono0) * self.speed)


class ChatSession:
    """The open chat: store, pipeline, sources, outbox and the people on duty."""

    def __init__(self, settings: Settings, *, open_now: bool = True) -> None:
        """Read the settings and the plan; open the database too unless `open_now` is False.

        The console passes False so its first frame is painted first, then calls `open` in a
        worker (`is_open` tells which state the session is in).
        """
        self.settings = settings
        replay = settings.replay
        plan_path = settings.plan_path
        if settings.demo:
            demo_chat, demo_plan = demo_files()
            replay = replay or demo_chat
            plan_path = plan_path or demo_plan
        self.replay_path = replay
        self.plan: Plan | None = None
        if plan_path:
            from tchat_tui.domain.plan.read import load_plan

            self.plan = load_plan(plan_path)
        self.tag = normalize_tag(settings.tag or (self.plan.tag if self.plan else ""))
        if self.tag or settings.tag:  # '#' alone leaves no tag: refused, never opened
            check_tag(settings.tag or self.tag)
        if settings.tag and self.plan and self.plan.tag:
            planned = normalize_tag(self.plan.tag)
            if planned.casefold() != self.tag.casefold():
                source = "the demo" if settings.demo and not settings.plan_path else "the plan"
                raise TagError(
                    f"{source} is for #{planned}, not #{self.tag}: drop the tag or give #{planned}"
                )
        self.topic = self.plan.topic if self.plan else ""
        host = settings.host or (self.plan.host if self.plan else None)
        guests = settings.guests or (tuple(self.plan.guests) if self.plan else ())
        comods = settings.co_moderators or (tuple(self.plan.co_moderators) if self.plan else ())
        self.roster = Roster(host, tuple(guests), tuple(comods))
        self.db_path = settings.db_path or default_db_path(self.tag)
        if not open_now:
            # What `open` would refuse, found before the console takes over the terminal.
            from tchat_tui.sources.replay import check_replay_file
            from tchat_tui.store.precheck import check_database_path

            if replay:
                check_replay_file(replay)
            check_database_path(self.db_path)
        self.duration = timedelta(minutes=self.plan.duration_minutes if self.plan else 60)
        self.speed = (
            settings.speed if settings.speed is not None else (DEMO_SPEED if settings.demo else 1.0)
        )
        self.clock = ChatClock(settings.clock, self.speed if replay else None)
        moderators = settings.moderators or (getpass.getuser(),)
        self.moderators: tuple[str, ...] = tuple(moderators)
        self.on_duty = self.moderators[0]
        self.sources: list[Source] = []
        self.publishers: dict[Network, Publisher] = {}
        self.network_note = ""
        self.cost_meter = CostMeter()
        """What the hour costs at X's pay-per-use prices (estimated from a replay)."""
        self.foreground = Foreground()
        """The screen's claim on the next milliseconds; the pipeline steps aside for it."""
        # Set by `open`:
        self.store: Store
        self.chat_id: int
        self.classifier: Classifier
        self.pipeline: Pipeline
        self.runner: PipelineRunner
        self.outbox: Outbox
        self.restored = 0
        """How many posts the chat already had (a restart)."""
        self.is_open = False
        self._closed = False
        self._outbox_thread: threading.Thread | None = None
        self._warm = threading.Lock()
        self._warmed = False
        if open_now:
            self.open()

    def open(self) -> None:
        """Open the database, resume the chat, build the pipeline, the sources and the outbox."""
        from tchat_tui.store.database import Store

        if self._closed:  # shut down before the worker got here (the console quit at once)
            return
        self.store = Store.open(self.db_path)
        try:
            self._resume()
        except BaseException:
            self.store.close()
            raise
        if self._closed:  # shut down while opening: nothing may keep the database open
            self.store.close()
            return
        self.is_open = True

    def _resume(self) -> None:
        """`open`'s work once the store is open: the chat, the pipeline, sources and outbox."""
        from tchat_tui.pipeline.ingest import Pipeline, PipelineRunner
        from tchat_tui.publish.outbox import Outbox
        from tchat_tui.sources.replay import ReplaySource

        settings, replay = self.settings, self.replay_path
        start = self.plan.start if self.plan else None
        self.chat_id = self.store.ensure_chat(
            self.tag,
            topic=self.topic or None,
            started_at=start,
            duration_minutes=int(self.duration.total_seconds() // 60),
            plan_json=json.dumps(self.plan.to_dict(), ensure_ascii=False, default=str)
            if self.plan
            else None,
            new=settings.new_chat,
            # A live chat idle for 12 hours is over: the next one on the tag is a new chat.
            # A recording always resumes its own chat (its posts are stored once, by key).
            now=None if (replay or settings.dry_run) else settings.clock(),
        )
        for handle, role in self._roles():
            self.store.set_role(handle, role)
        self.roster = self._with_stored_roles(self.roster)
        # The keyboard stays with whoever had it when the console stopped (if still listed).
        last = self.store.last_on_duty(self.chat_id)
        if last is not None and last in self.moderators:
            self.on_duty = last
        if self.plan:
            due = self.plan.question_due_times()
            self.store.set_planned_questions(
                self.chat_id,
                [
                    (i + 1, q, due[i] if i < len(due) else None)
                    for i, q in enumerate(self.plan.questions)
                ],
            )
        self.classifier = Classifier(self.roster, self.tag)
        self.pipeline = Pipeline(
            self.store, self.chat_id, self.classifier, foreground=self.foreground
        )
        self.restored = self.pipeline.restore()
        self.runner = PipelineRunner(self.pipeline)
        self.replay_source: ReplaySource | None = None
        self._replay_from: datetime | None = None
        if replay:
            self.replay_source = ReplaySource(replay, speed=self.speed)
            self.sources.append(self.replay_source)
            latest = self.store.latest_post_time(self.chat_id)
            self.replay_source.resume_at = latest
            start_at = self.replay_source.first_post_time()
            if start_at is not None:
                # The replay clock starts at the recording's first post (or where we resume).
                self.clock.observe(start_at)
                if latest is not None and latest > start_at:
                    self.clock.observe(latest)
                    self.clock.rebase(latest)
            self._replay_from = max(start_at, latest) if start_at and latest else start_at
        saved = {r["kind"]: int(r["count"]) for r in self.store.costs(self.chat_id)}
        # Charged at the chat's time (a replay's clock is the recording's), so the header's
        # "last hour" counts them after a restart.
        self.cost_meter.restore(saved, self.clock.now())
        self._costs_saved_at = 0.0
        self._connect_networks(bool(replay))
        self.outbox = Outbox(
            self.store,
            self.chat_id,
            self.publishers,
            self.pipeline,
            host_handle=self.roster.host or self.on_duty,
            clock=self.clock.now,
        )
        self.runner.on_stored = self._stored
        if replay or self.settings.dry_run:
            # No live reads happen: estimate what sending these posts on X would have cost.
            self.outbox.on_sent = self._estimate_write
        self._estimate = bool(replay or self.settings.dry_run)

    def _with_stored_roles(self, roster: Roster) -> Roster:
        """The roster completed with the people this chat's stored posts were classified as
        (a chat reopened without its plan or `--host`/`--guest`): the settings come first, so a
        host given on the command line stays the host."""
        stored = self.store.chat_roles(self.chat_id)
        if not stored:
            return roster
        named = {h.lstrip("@").casefold() for h in (roster.host or "", *roster.guests)}
        named |= {c.lstrip("@").casefold() for c in roster.co_moderators}
        host = roster.host
        guests, comods = list(roster.guests), list(roster.co_moderators)
        for handle, role in stored:
            if handle.casefold() in named:
                continue
            if role == Role.HOST.value and host is None:
                host = handle
            elif role == Role.GUEST.value:
                guests.append(handle)
            elif role == Role.COMODERATOR.value:
                comods.append(handle)
            else:
                continue
            named.add(handle.casefold())
        return Roster(host, tuple(guests), tuple(comods))

    def _roles(self) -> list[tuple[str, Role]]:
        out: list[tuple[str, Role]] = []
        if self.roster.host:
            out.append((self.roster.host, Role.HOST))
        out += [(g, Role.GUEST) for g in self.roster.guests]
        out += [(c, Role.COMODERATOR) for c in self.roster.co_moderators]
        return out

    def _connect_networks(self, replaying: bool) -> None:
        """Dry-run publishers always in replay and demo; live networks when configured."""
        if replaying or self.settings.dry_run:
            for n in self.settings.networks:
                self.publishers[n] = DryRunPublisher(n)
            self.network_note = "dry-run: posts are recorded here, never sent"
            return
        from tchat_tui.pipeline.connect import connect

        sources, publishers, note = connect(self)
        self.sources.extend(sources)
        self.publishers.update(publishers)
        for n in self.settings.networks:
            self.publishers.setdefault(n, DryRunPublisher(n))
        self.network_note = note

    @property
    def header_note(self) -> str:
        """`network_note` short enough for the header: with no network configured, that sending
        is a dry run (how to connect one is in the empty stream, where there is room)."""
        from tchat_tui.pipeline.connect import HOW_TO_CONNECT

        if self.network_note == HOW_TO_CONNECT:
            return "no network configured: dry-run, posts are recorded here, never sent"
        return self.network_note

    @property
    def scorer(self) -> PostScorer | None:
        """The promo scorer, once `warm_up` has built it."""
        return self.pipeline.scorer if self.is_open else None

    @property
    def started_at(self) -> datetime | None:
        """When the chat started: the plan's start, else its first post."""
        from tchat_tui.store.database import parse_iso

        chat = self.store.chat(self.chat_id)
        if chat.get("started_at"):
            return parse_iso(chat["started_at"])
        return None

    def switch_duty(self) -> str:
        """Hand the keyboard to the next moderator; return who is on duty now."""
        i = self.moderators.index(self.on_duty) if self.on_duty in self.moderators else -1
        self.on_duty = self.moderators[(i + 1) % len(self.moderators)]
        self.store.record_action(self.chat_id, self.on_duty, "on duty", self.on_duty)
        return self.on_duty

    def _stored(self, fresh: list[ChatPost]) -> None:
        """After each stored batch: a replay's clock follows its posts; estimate read costs."""
        self.clock.observe(max(c.post.created_at for c in fresh))
        if self._estimate:
            self._estimate_reads(fresh)

    def _estimate_reads(self, fresh: list[ChatPost]) -> None:
        """No live reads happen: estimate what reading these posts on X would have cost."""
        x_posts = [c.post for c in fresh if c.post.network is Network.X and not c.outgoing]
        if x_posts:
            # One read per batch, as a search page or a stream batch would be billed.
            at = max(p.created_at for p in x_posts)
            # The pipeline stored these posts for the first time: no ids to remember.
            self.cost_meter.read_new_posts(len(x_posts), at)
            self.cost_meter.read_users([p.author_id for p in x_posts], at)
        self.save_costs(every=5.0)

    def _estimate_write(self, row: dict[str, Any]) -> None:
        if row["network"] != Network.X.value or not row["dry_run"]:
            return
        if row["kind"] == "repost":
            self.cost_meter.retweeted(self.clock.now())
        else:
            self.cost_meter.created_post(
                str(row["text"]), self.clock.now(), reply=row["kind"] == "reply"
            )
        self.save_costs(every=5.0)

    def save_costs(self, every: float = 0.0) -> None:
        """Persist the cost meter's totals (at most once every `every` seconds)."""
        now = time.monotonic()
        if every and now - self._costs_saved_at < every:
            return
        self._costs_saved_at = now
        self.store.save_costs(self.chat_id, self.cost_meter.totals(), PRICES_READ_ON)

    def _run_outbox(self) -> None:
        """The outbox worker; if it stops on an error, the header says so."""
        self.outbox.run(self.runner.stop)
        if self.outbox.error:
            self.runner.state(SourceState("outbox", "failed", self.outbox.error))

    def warm_up(self) -> None:
        """Build the promo scorer and replay the stored chat through it (once).

        The console calls this from a worker thread so the screen paints at once; batch commands
        call it before their first post.
        """
        with self._warm:
            if not self._warmed:
                from tchat_tui.domain.text.twitter.length import prepare

                prepare()  # the URL and emoji tables, before the first post or keystroke needs them
                self.pipeline.restore_history(_make_scorer(self.tag, self.roster))
                self._warmed = True

    def start(self, after_warm_up: Callable[[], None] | None = None) -> None:
        """Warm up in a worker, then start the sources; start the outbox worker now.

        `after_warm_up` runs in the worker between the warm-up and the first source (the console
        moves what start-up built out of the collector's way there).
        """

        def sources() -> None:
            try:
                self.warm_up()
            except Exception as exc:  # the chat goes on unflagged rather than not at all
                self.runner.state(SourceState("promo", "failed", f"{type(exc).__name__}: {exc}"))
            if after_warm_up is not None:
                after_warm_up()
            if self._replay_from is not None:
                # The replay starts now, after the warm-up: its clock too.
                self.clock.rebase(self._replay_from)
            for source in self.sources:
                if not self.runner.stop.is_set():
                    thread = self.runner.start(source)
                    if source is self.replay_source:
                        threading.Thread(
                            target=self._settle_after,
                            args=(thread,),
                            name="replay-end",
                            daemon=True,
                        ).start()

        threading.Thread(target=sources, name="warm-up", daemon=True).start()
        self._outbox_thread = threading.Thread(target=self._run_outbox, name="outbox", daemon=True)
        self._outbox_thread.start()

    def _settle_after(self, replay: threading.Thread) -> None:
        """When the replay's thread ends, the chat clock goes on at real time."""
        replay.join()
        self.clock.settle()

    def shutdown(self) -> None:
        """Stop the workers, save the cost totals and close the database (once)."""
        if self._closed:
            return
        self._closed = True
        if not self.is_open:
            return
        self.runner.shutdown()
        self.outbox.wake.set()
        if self._outbox_thread:
            self._outbox_thread.join(5.0)
        self.save_costs()
        self.store.close()


def _make_scorer(tag: str, roster: Roster) -> PostScorer | None:
    """The promo scorer, when the promo module is available."""
    try:
        from tchat_tui.pipeline.scoring import make_scorer
    except ImportError:
        return None
    return make_scorer(tag, roster)
