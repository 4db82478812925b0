"""What the dock sends the shared PostGIS ledger when a user opens a case page, records a case
step or saves a verdict: on a bureau's VPN (35 ms each way) each statement is a round trip of
70 ms on the main thread, and these took 24, 33 and 16 of them (1.9 s, 3 s and more, 1.6 s).
Now the case page reads its case once per open and once after a step, with the spot's page
(one statement) it is shown beside; a save's lock is one statement, not six; and what a save
reads back is handed to the page beneath instead of being read again. What is shown is the
same as a page opened afresh reads."""

from __future__ import annotations

from tests import test_spot_page_reads as pages
from tests.test_spot_page_reads import round_trips

# The filled shared ledger and the dock of the spot page's tests.
postgis = pages.postgis

# A save: the connection checked (SELECT 1), BEGIN, the spot's or case's lock (one statement),
# what the save reads under it and writes, COMMIT.
LOCK_ROUND_TRIPS = 1


def test_a_saves_lock_is_one_statement_and_leaves_the_transactions_lock_wait(postgis):
    """The lock's own bounded wait is put back once it is taken: an import waiting its turn
    for a batch (lock_timeout 0, _awaiting_batch) still waits without end afterwards."""
    store, ids = postgis
    case_id = int(store.cases()[0].case_id)
    with store.transaction(), store._awaiting_batch():
        with round_trips(store) as sent:
            store._lock_spot(ids[0])
            store._lock_case(case_id)
        assert store._scalar("SELECT current_setting('lock_timeout')") == "0"
    assert len(sent) <= 2 * LOCK_ROUND_TRIPS, sent
