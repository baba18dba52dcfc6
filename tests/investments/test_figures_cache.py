"""The home page's figures under concurrent visitors: computed once per worker, not all at once."""

from __future__ import annotations

import datetime as dt
import threading
import time

from tests.search.factories import NOW, add_investment


def _ask_together(app, compute, threads: int = 6) -> list[object]:
    from portal.db import session_scope
    from portal.investments.figures_cache import figures_cache

    barrier = threading.Barrier(threads)
    answers: list[object] = []

    def ask() -> None:
        with app.app_context(), session_scope() as session:
            cache = figures_cache(session)
            barrier.wait()
            answers.append(cache("totals", compute))

    workers = [threading.Thread(target=ask) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return answers


def test_visitors_arriving_together_compute_the_figures_once(app):
    """At national size one aggregate takes seconds: six threads must not run it six times."""
    calls: list[int] = []

    def slow_total() -> int:
        calls.append(1)
        time.sleep(0.3)
        return 42

    assert _ask_together(app, slow_total) == [42] * 6
    assert len(calls) == 1


def test_after_new_data_the_figures_are_computed_again_once(app):
    from portal.db import session_scope

    with app.app_context(), session_scope() as session:
        add_investment(session, "2400001", "OBRA UNO")
    assert _ask_together(app, lambda: 1) == [1] * 6
    with app.app_context(), session_scope() as session:
        # As an import does: the new row carries a newer change time.
        add_investment(session, "2400002", "OBRA DOS", changed_at=NOW + dt.timedelta(days=1))
    calls: list[int] = []

    def recount() -> int:
        calls.append(1)
        time.sleep(0.3)
        return 2

    answers = _ask_together(app, recount)
    assert len(calls) == 1
    # The thread that recomputes answers with the new figure; the others with the new one or,
    # while it is being computed, the previous one (never nothing, never a mix of half-states).
    assert 2 in answers and set(answers) <= {1, 2}
