"""Anonymous readers arriving together share one read of the draft's revision, and none is
answered by a read begun before it arrived (app/core/anonymous.py, FreshReads)."""

import threading

import anyio

from app.core.anonymous import FreshReads
from tests.core.test_admission import run_alone


class Revisions:
    """A draft's revision as the database would give it: each read takes a while, and the
    revision may move meanwhile."""

    def __init__(self) -> None:
        self.revision = 1
        self.reads = 0
        self.reading = threading.Event()
        self.may_answer = threading.Event()

    def read(self, slug: str) -> int | None:
        self.reads += 1
        seen = self.revision  # what the database returns: as of the read's start
        self.reading.set()
        self.may_answer.wait(5)
        return seen if slug == "ley" else None


def test_readers_arriving_together_share_one_read() -> None:
    async def fifty_readers() -> None:
        revisions = Revisions()
        fresh = FreshReads(revisions.read)
        answers: list[int | None] = []

        async def reader() -> None:
            answers.append(await fresh.revision("ley"))

        async with anyio.create_task_group() as readers:
            for _ in range(50):
                readers.start_soon(reader)
            await anyio.to_thread.run_sync(revisions.reading.wait, 5)
            revisions.may_answer.set()
        assert answers == [1] * 50
        assert revisions.reads <= 2  # the first reader's read, then one for all the others
        assert await fresh.revision("otra") is None

    run_alone(fifty_readers)


def test_a_reader_arriving_during_a_read_waits_for_the_next() -> None:
    async def arriving_late() -> None:
        revisions = Revisions()
        fresh = FreshReads(revisions.read)
        answers: dict[str, int | None] = {}

        async def reader(name: str) -> None:
            answers[name] = await fresh.revision("ley")

        async with anyio.create_task_group() as readers:
            readers.start_soon(reader, "early")
            await anyio.to_thread.run_sync(revisions.reading.wait, 5)
            # The read under way began before this change was committed; a reader arriving
            # after the commit must not be given its answer.
            revisions.revision = 2
            readers.start_soon(reader, "late")
            await anyio.sleep(0.05)
            revisions.may_answer.set()
        assert answers == {"early": 1, "late": 2}
        assert revisions.reads == 2

    run_alone(arriving_late)


def test_a_failed_read_fails_its_readers_and_the_next_read_is_tried_again() -> None:
    async def failing_once() -> None:
        calls: list[str] = []

        def read(slug: str) -> int:
            calls.append(slug)
            if len(calls) == 1:
                raise ConnectionError("the database went away")
            return 7

        fresh = FreshReads(read)
        try:
            await fresh.revision("ley")
        except ConnectionError:
            pass
        else:
            raise AssertionError("the failure reached no reader")
        assert await fresh.revision("ley") == 7

    run_alone(failing_once)
