"""Everything one console run needs, built from the command line's settings (no Textual here)."""

from __future__ import annotations

import getpass
import json
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.chat_zone import chat_zone
from tchat_tui.domain.classify import Classifier
from tchat_tui.domain.cost import CostMeter
from tchat_tui.domain.post import Network
from tchat_tui.domain.roster import Roster
from tchat_tui.domain.text.tag import normalize_tag
from tchat_tui.pipeline.chat_clock import ChatClock
from tchat_tui.pipeline.costs import ChatCosts
from tchat_tui.pipeline.foreground import Foreground
from tchat_tui.pipeline.replay_start import open_replay, resume_replay
from tchat_tui.pipeline.roster import roster_handles, with_stored_roles
from tchat_tui.pipeline.settings import (
    DEMO_SPEED,
    Settings,
    TagError,
    check_tag,
    default_db_path,
    demo_files,
)
from tchat_tui.publish.base import Publisher
from tchat_tui.sources.base import Source, SourceState

if TYPE_CHECKING:
    # The store, pipeline and outbox (and sqlite-utils under them) load in `open`: the console
    # paints its first frame before that.
    from tchat_tui.domain.plan.model import Plan
    from tchat_tui.pipeline.follow import DatabaseFollower
    from tchat_tui.pipeline.ingest import Pipeline, PostScorer
    from tchat_tui.pipeline.runner import PipelineRunner
    from tchat_tui.publish.outbox import Outbox
    from tchat_tui.sources.replay import ReplaySource
    from tchat_tui.store.database import Store


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
        self.practice = settings.practice and replay is not None
        """A rehearsal: the recording's host and co-moderators are held back, the user hosts."""
        if self.practice:
            from tchat_tui.pipeline.practice import check_practice

            check_practice(self.roster)
        self.zone: tzinfo = settings.zone or chat_zone(self.plan.to_dict() if self.plan else None)
        """The chat's time zone: every time on screen and in the log is in it."""
        self.db_path = settings.db_path or default_db_path(self.tag)
        if not open_now:
            # What `open` would refuse, found before the console takes over the terminal.
            from tchat_tui.sources.replay import check_replay_file
            from tchat_tui.store.consoles import check_no_other_console
            from tchat_tui.store.precheck import check_database_path

            if replay:
                check_replay_file(replay)
            check_database_path(self.db_path)
            if not settings.join:
                check_no_other_console(self.db_path, joinable=True)  # one, unless joined
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
        self.costs: ChatCosts
        self.restored = 0
        """How many posts the chat already had (a restart)."""
        self.is_open = False
        self._console = not open_now
        """Opened by the console (a refusal says how to join), not by a batch command."""
        self._closed = False
        self._outbox_thread: threading.Thread | None = None
        self._warm = threading.Lock()
        self._warmed = False
        if open_now:
            self.open()

    def open(self) -> None:
        """Open the database, resume the chat, build the pipeline, the sources and the outbox."""
        from tchat_tui.pipeline.heartbeat import Heartbeat
        from tchat_tui.store.database import Store

        if self._closed:  # shut down before the worker got here (the console quit at once)
            return
        self.store = Store.open(self.db_path)
        join = self.settings.join
        self.heartbeat = Heartbeat(
            self.store, join=join, moderator=self.on_duty, joinable=self._console
        )
        self.follower: DatabaseFollower | None = None
        try:
            self.heartbeat.register()  # refused (ChatInUse) if another console holds the chat
            self._resume()
            if str(self.db_path) != ":memory:":
                from tchat_tui.pipeline.follow import DatabaseFollower

                # Before the screen loads the stored posts: none falls between the two.
                self.follower = DatabaseFollower(self.db_path, self.chat_id, posts=join)
        except BaseException:
            self.heartbeat.stop()
            self.store.close()
            raise
        if self._closed:  # shut down while opening: nothing may keep the database open
            self.heartbeat.stop()
            self.store.close()
            return
        self.is_open = True

    def _resume(self) -> None:
        """`open`'s work once the store is open: the chat, the pipeline, sources and outbox."""
        from tchat_tui.pipeline.ingest import Pipeline
        from tchat_tui.pipeline.runner import PipelineRunner
        from tchat_tui.publish.outbox import Outbox

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
            new=settings.new_chat and not settings.join,
            # A live chat idle for 12 hours is over: the next one on the tag is a new chat.
            # A recording always resumes its own chat (its posts are stored once, by key).
            now=None if (replay or settings.dry_run or settings.join) else settings.clock(),
        )
        for handle, role, network in roster_handles(self.roster):
            self.store.set_role(handle, role, network)
        self.roster = with_stored_roles(self.roster, self.store.chat_roles(self.chat_id))
        self.store.clock = self.clock.now  # the action log in the chat's time (a replay's)
        if self.plan is None and self.settings.zone is None:
            stored = self.store.chat(self.chat_id).get("plan_json")
            self.zone = chat_zone(json.loads(stored) if stored else None)
        # The keyboard stays with whoever had it when the console stopped (if still listed).
        last = self.store.last_on_duty(self.chat_id)
        if last is not None and last in self.moderators:
            self.on_duty = last
        if self.plan:
            self.store.set_planned_questions(self.chat_id, self.plan.question_rows())
        # The queue as stored (the plan's, or as a moderator steered it), every language.
        planned = self.store.question_texts(self.chat_id) if self.plan else []
        self.classifier = Classifier(self.roster, self.tag, planned)
        self.pipeline = Pipeline(
            self.store, self.chat_id, self.classifier, foreground=self.foreground
        )
        self.restored = self.pipeline.restore()
        self.runner = PipelineRunner(self.pipeline)
        self.replay_source: ReplaySource | None = None
        self._replay_runs: Source | None = None
        self.replay_from: datetime | None = None
        """Where the replay starts (after the posts stored), once this console reads."""
        if replay:
            self.replay_source, self._replay_runs = open_replay(
                replay, self.speed, self.practice, lambda: self.classifier.roster
            )
            self.sources.append(self._replay_runs)
            if self.heartbeat.reading:
                self.replay_from = resume_replay(
                    self.store, self.chat_id, self.replay_source, self.clock
                )
        self.costs = ChatCosts(
            self.cost_meter,
            self.store,
            self.chat_id,
            self.clock.now,
            estimate=bool(replay or self.settings.dry_run),
        )
        self.costs.restore()
        from tchat_tui.pipeline.connect import connect_networks

        sources, publishers, self.network_note = connect_networks(self, bool(replay))
        self.sources.extend(sources)
        self.publishers.update(publishers)
        self.outbox = Outbox(
            self.store,
            self.chat_id,
            self.publishers,
            self.pipeline,
            host_handle=self.roster.host or self.on_duty,
            clock=self.clock.now,
            owner=self.heartbeat.owner,
        )
        self.outbox.rehearsal = self.practice
        self.runner.on_stored = self._stored
        if self.costs.estimate:
            # No live writes happen: estimate what sending these posts on X would have cost.
            self.outbox.on_sent = self.costs.sent

    @property
    def scorer(self) -> PostScorer | None:
        """The promo scorer, once `warm_up` has built it."""
        return self.pipeline.scorer if self.is_open else None

    @property
    def started_at(self) -> datetime | None:
        """When the chat started: the plan's start, else its first post."""
        from tchat_tui.store.rows import parse_iso

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
        self.costs.posts_stored(fresh)
        if self._warmed:
            self._save_history(due=True)  # every SAVE_EVERY posts, for a restart after a crash

    def _save_history(self, *, due: bool) -> None:
        """Save the promo scorer's state (`Pipeline.save_history`). A save that fails costs the
        next start some scoring again, nothing else: it must not stop a source or the shutdown."""
        try:
            self.pipeline.save_history(due=due)
        except Exception:  # see the docstring
            pass

    def _run_outbox(self) -> None:
        """The outbox worker; if it stops on an error, the header says so."""
        self.outbox.run(self.runner.stop)
        if self.outbox.error:
            self.runner.state(SourceState("outbox", "failed", self.outbox.error))

    def warm_up(self) -> None:
        """Build the promo scorer with the chat's history (once): its saved state and the posts
        stored after it (`Pipeline.restore_history`), every post where none was saved.

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
        """Follow the database and beat; the reader also reads and sends (`start_reading`),
        a joined console once it takes the reading over."""
        from tchat_tui.pipeline.takeover import share

        share(self)  # follow the database; a joined console: the reader's watch
        self.heartbeat.start()
        if self.heartbeat.reading:
            self.start_reading(after_warm_up)

    def start_reading(self, after_warm_up: Callable[[], None] | None) -> None:
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
            if self.replay_from is not None:
                # The replay starts now, after the warm-up: its clock too.
                self.clock.rebase(self.replay_from)
            for source in self.sources:
                if not self.runner.stop.is_set():
                    thread = self.runner.start(source)
                    if thread is not None and source is self._replay_runs:
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
        if self.follower is not None:
            self.follower.stop()
        self.runner.shutdown()
        self.outbox.wake.set()
        if self._outbox_thread:
            self._outbox_thread.join(5.0)
        if self._warmed:
            # The next start takes up the scorer's state here instead of scoring every post.
            self._save_history(due=False)
        self.heartbeat.stop()
        if self.heartbeat.reading:  # a joined console's totals are the reader's, as it opened
            self.costs.save()
        self.store.close()


def _make_scorer(tag: str, roster: Roster) -> PostScorer | None:
    """The promo scorer, when the promo module is available."""
    try:
        from tchat_tui.pipeline.scoring import make_scorer
    except ImportError:
        return None
    return make_scorer(tag, roster)
