"""A load into empty tables builds their indexes and checks their keys once the rows are in (``empty_tables``):
the schema afterwards is exactly what it was, a refused load leaves it as it was, a reference the checks before
let through is still refused, and two loads started at once give one loaded register and one clear refusal."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from regulation.models import RegisterEntry, Renewal
from regulation.transfer import empty_tables, importer
from regulation.transfer.importer import TransferRefused, import_bundle

from .test_bundle import bundle, empty_the_database
from .test_copy_load import _change_row, _needs_postgresql

# Skipped before any fixture is built (the bundle takes seconds to make): all of this is PostgreSQL's.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY and DDL in a transaction: PostgreSQL's (CI)"),
]

_SCHEMA = """
SELECT 'index', c.relname, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), i.indisvalid::text
FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
WHERE c.relnamespace = 'public'::regnamespace
UNION ALL
SELECT 'constraint', conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated::text
FROM pg_constraint WHERE connamespace = 'public'::regnamespace
ORDER BY 1, 2, 3
"""


def _schema(using="default") -> list[tuple]:
    with connections[using].cursor() as cursor:
        cursor.execute(_SCHEMA)
        return cursor.fetchall()


def _renew_an_entry_that_is_not_there(entry_id: int, *, renewed_by: int | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO regulation_renewal (entry_id, year_end, renewed_at, late, cpd_count,"
            " peer_reflection_count, renewed_by_id) VALUES (%s, '2027-11-30', now(), false, 2, 1, %s)",
            [entry_id, renewed_by],
        )


def _noting_what_is_set_aside(monkeypatch, *, from_rows: int = 1) -> list:
    """What each load sets aside; ``from_rows``: ``SET_ASIDE_FROM_ROWS`` for the test (the test bundle is small,
    so by default every table it fills is treated as large)."""
    noted, real = [], empty_tables.set_aside
    monkeypatch.setattr(empty_tables, "SET_ASIDE_FROM_ROWS", from_rows)

    def noting(tables, **kwargs):
        aside = real(tables, **kwargs)
        noted.append(aside)
        return aside

    monkeypatch.setattr(empty_tables, "set_aside", noting)
    return noted


def test_a_load_puts_back_every_index_and_key_it_set_aside(populated, tmp_path, monkeypatch):
    _needs_postgresql()
    original = bundle(tmp_path / "b")
    empty_the_database()
    before = _schema()
    noted = _noting_what_is_set_aside(monkeypatch)

    loaded = import_bundle(original)

    assert loaded["register"] == RegisterEntry.objects.count() == len(populated["entries"])
    (aside,) = noted
    index_names = {name for name, _ in aside.indexes}
    key_names = {name for _, name, _ in aside.keys}
    # The register's search indexes and the renewals' key to the register were among them, and are back.
    assert {"regulation_entry_surname_search", "regulation_entry_fullname_search"} <= index_names
    renewal_keys = [d for table, _, d in aside.keys if table == "regulation_renewal"]
    assert any("REFERENCES regulation_registerentry" in d for d in renewal_keys)
    after = _schema()
    assert after == before
    assert {row[2] for row in after} >= index_names | key_names
    # A key to the service's own tables (its people) was never set aside.
    assert not any("REFERENCES accounts_user" in definition for _, _, definition in aside.keys)
    # The search reads its own index again.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM regulation_registerentry WHERE surname_key COLLATE \"C\" >= 'b'"
            ' ORDER BY surname_key COLLATE "C", name_key COLLATE "C", id LIMIT 25'
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "regulation_entry_surname_search" in plan


def test_a_finished_tables_indexes_and_keys_are_put_back_while_the_next_large_dataset_is_read(
    populated, tmp_path, monkeypatch
):
    """The register's indexes are built while the renewals (the next large dataset) are read, not at the end; a
    key is added once both its tables are finished; the schema afterwards is exactly what it was."""
    _needs_postgresql()
    original = bundle(tmp_path / "b")
    empty_the_database()
    before = _schema()
    noted = _noting_what_is_set_aside(monkeypatch)
    calls, real = [], empty_tables.put_back_ready

    def noting(aside, unfinished):
        done = set(aside.done)
        real(aside, unfinished)
        calls.append((set(unfinished), aside.done - done))

    monkeypatch.setattr(empty_tables, "put_back_ready", noting)
    connected_in, connect = [], BaseDatabaseWrapper.connect

    def noting_connections(wrapper):
        connected_in.append(threading.current_thread().name)
        return connect(wrapper)

    monkeypatch.setattr(BaseDatabaseWrapper, "connect", noting_connections)

    import_bundle(original)

    assert "transfer-read-ahead" not in connected_in  # its connection would be outside the load's transaction

    (aside,) = noted
    register, renewals = RegisterEntry._meta.db_table, Renewal._meta.db_table
    (early,) = [(unfinished, done) for unfinished, done in calls if "regulation_entry_surname_search" in done]
    assert renewals in early[0] and register not in early[0]  # midway: the renewals still to come
    assert {name for name, table in aside.index_tables.items() if table == register} <= early[1]
    renewal_key = next(n for t, n, d in aside.keys if t == renewals and "REFERENCES regulation_registerentry" in d)
    (when,) = [unfinished for unfinished, done in calls if renewal_key in done]
    assert renewals not in when and register not in when
    assert _schema() == before


def test_a_refused_load_leaves_every_index_and_key_as_it_was(populated, tmp_path, monkeypatch):
    _needs_postgresql()
    original = bundle(tmp_path / "b")
    _change_row(original, "renewals", 1, registration_number="SW999999")  # found wrong after the register has gone in
    empty_the_database()
    before = _schema()
    noted = _noting_what_is_set_aside(monkeypatch)

    with pytest.raises(TransferRefused) as refused:
        import_bundle(original)

    assert any("renewals.jsonl row 1" in problem for problem in refused.value.problems)
    assert noted and noted[0].indexes  # they had been set aside
    assert _schema() == before
    assert not RegisterEntry.objects.exists()


def test_only_tables_given_many_rows_have_their_indexes_and_keys_set_aside(populated, tmp_path, monkeypatch):
    """A table given fewer than ``SET_ASIDE_FROM_ROWS`` rows keeps its indexes and keys (making them again costs
    more than keeping them up to date for a few rows); one given more has its own set aside, and they are back
    after the load."""
    import json

    _needs_postgresql()
    original = bundle(tmp_path / "b")
    empty_the_database()
    before = _schema()
    rows = importer._rows_by_table(json.loads((original / "manifest.json").read_text())["files"])
    threshold = rows[Renewal._meta.db_table] + 1  # the renewals are small, the register larger
    assert rows[RegisterEntry._meta.db_table] >= threshold
    noted = _noting_what_is_set_aside(monkeypatch, from_rows=threshold)

    import_bundle(original)

    (aside,) = noted
    tables_of = {definition.split(" ON public.")[1].split(" ")[0] for _, definition in aside.indexes}
    assert RegisterEntry._meta.db_table in tables_of and Renewal._meta.db_table not in tables_of
    assert all(rows[table] >= threshold for table in tables_of)
    keyed = {table for table, _, _ in aside.keys}
    assert keyed and all(rows[table] >= threshold for table in keyed)
    assert Renewal._meta.db_table not in keyed  # its key to the register stays, checked at commit
    assert _schema() == before


def test_a_large_tables_keys_to_a_small_loaded_table_are_set_aside_and_put_back(populated):
    """The register is given many rows, its numbers' table (filled too, empty now) few: the register's key to it
    is set aside with the register's indexes; the small table keeps its own."""
    from regulation.models import RegistrationNumber

    _needs_postgresql()
    empty_the_database()
    before = _schema()
    register, numbers = RegisterEntry._meta.db_table, RegistrationNumber._meta.db_table
    with transaction.atomic():
        aside = empty_tables.set_aside([register, numbers], rows={register: 10**6, numbers: 1})
        assert {(table, "REFERENCES regulation_registrationnumber" in d) for table, _, d in aside.keys} >= {
            (register, True)
        }
        assert all(table == register for table, _, _ in aside.keys)
        assert all(f" ON public.{register} " in definition for _, definition in aside.indexes)
        empty_tables.put_back(aside)
    assert _schema() == before


def test_a_reference_broken_in_a_table_that_kept_its_keys_is_refused_before_commit(populated, tmp_path, monkeypatch):
    """A small table keeps its keys, checked at commit; the load checks them before it ends, so a broken one is
    refused in the database's words like a key put back, rather than failing the caller's commit."""
    _needs_postgresql()
    entry = populated["entries"][0]
    empty_the_database()
    before = _schema()
    monkeypatch.setattr(empty_tables, "SET_ASIDE_FROM_ROWS", 10**9)  # nothing set aside
    tables = [RegisterEntry._meta.db_table, Renewal._meta.db_table]
    with pytest.raises(TransferRefused) as refused, transaction.atomic():
        aside = empty_tables.set_aside(tables, rows={t: 1 for t in tables})
        assert not aside.keys and not aside.indexes
        _renew_an_entry_that_is_not_there(entry.pk + 1000)
        importer._put_back(aside)
    (problem,) = refused.value.problems
    assert f': Key (entry_id)=({entry.pk + 1000}) is not present in table "regulation_registerentry".).' in problem
    assert _schema() == before


@pytest.mark.parametrize(
    "when, broken", [("at the end", "a key set aside"), ("midway", "a key set aside"), ("midway", "a key kept")]
)
def test_a_reference_broken_when_the_keys_are_put_back_refuses_the_bundle(populated, when, broken):
    """At the end (``put_back``) or midway (``put_back_ready``: the renewals and the register are finished, only
    the status history is still to come), the renewals' key to the register is added back, and the checks queued
    on their key to the service's people run, there and then: a broken one refuses in the database's words."""
    _needs_postgresql()
    entry = populated["entries"][0]
    empty_the_database()
    tables = [RegisterEntry._meta.db_table, Renewal._meta.db_table]
    before = _schema()
    with pytest.raises(TransferRefused) as refused, transaction.atomic():
        aside = empty_tables.set_aside(tables)
        assert aside.keys and aside.indexes
        _renew_an_entry_that_is_not_there(entry.pk + 1000, renewed_by=987654 if broken == "a key kept" else None)
        importer._put_back(aside, unfinished={"regulation_statuschange"} if when == "midway" else None)
    (problem,) = refused.value.problems
    assert problem.startswith("This service's database refused the bundle's references (insert or update on table")
    if broken == "a key kept":
        assert 'Key (renewed_by_id)=(987654) is not present in table "accounts_user"' in problem
    else:
        assert f': Key (entry_id)=({entry.pk + 1000}) is not present in table "regulation_registerentry".).' in problem
    assert "DETAIL" not in problem and "\n" not in problem
    assert _schema() == before


def test_after_a_load_its_keys_are_checked_at_commit_again_and_the_callers_others_are_as_they_were(populated, tmp_path):
    """Django declares every key deferred to commit; the load leaves those of its tables so, and a key elsewhere
    that the caller had made immediate stays immediate."""
    from django.db import IntegrityError

    from accounts.models import Organisation

    _needs_postgresql()
    original = bundle(tmp_path / "b")
    empty_the_database()  # makes every key immediate for the rest of this test's transaction
    import_bundle(original)
    entry = RegisterEntry.objects.first()
    with connection.cursor() as cursor:
        # A renewal of an entry that is not there is refused only at commit (or when checked), as before the load.
        cursor.execute(
            "INSERT INTO regulation_renewal (entry_id, year_end, renewed_at, late, cpd_count, peer_reflection_count)"
            " VALUES (%s, '2031-11-30', now(), false, 2, 1)",
            [entry.pk + 1000],
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("DELETE FROM regulation_renewal WHERE entry_id = %s", [entry.pk + 1000])
        # A membership (not a table the load filled) of nobody is refused at once: the caller made it so.
        with pytest.raises(IntegrityError, match="violates foreign key constraint"), transaction.atomic():
            cursor.execute(
                "INSERT INTO accounts_membership (user_id, organisation_id, role, started_on, created_at)"
                " VALUES (987654, %s, 'social_worker', '2026-01-01', now())",
                [Organisation.objects.values_list("pk", flat=True).first()],
            )


def test_a_loaded_table_that_is_not_empty_keeps_its_indexes_and_the_keys_into_it(populated):
    _needs_postgresql()
    empty_the_database()
    populated_again = RegisterEntry._meta.db_table  # the register holds an entry; the renewals hold none
    from tests.factories import make_user
    from tests.regulation.conftest import register

    register(make_user("social_worker", email="kept@example.com"), make_user("regulator_staff", email="r@example.com"))
    assert RegisterEntry.objects.exists() and not Renewal.objects.exists()
    with transaction.atomic():
        aside = empty_tables.set_aside([populated_again, Renewal._meta.db_table])
        tables_of = {definition.split(" ON ")[1].split(" ")[0] for _, definition in aside.indexes}
        assert tables_of == {"public.regulation_renewal"}  # the renewals' own, none of the register's
        assert aside.keys == []  # the renewals' key to the register stays: the register was not empty
        empty_tables.put_back(aside)


@pytest.mark.django_db(transaction=True)
def test_two_loads_started_at_once_load_one_register_and_refuse_the_other(populated, tmp_path, monkeypatch):
    """The second load waits for the first (``lock_for_load``) and then finds the register filled."""
    _needs_postgresql()
    original = bundle(tmp_path / "b")
    empty_the_database()
    first_holds_the_lock, second_is_waiting = threading.Event(), threading.Event()
    real_lock = empty_tables.lock_for_load

    def lock(tables, **kwargs):
        real_lock(tables, **kwargs)
        if threading.current_thread().name == "first":
            first_holds_the_lock.set()
            assert second_is_waiting.wait(30), "the second load never waited for the first"

    monkeypatch.setattr(empty_tables, "lock_for_load", lock)
    outcomes: dict[str, object] = {}

    def load(name):
        try:
            with transaction.atomic():
                outcomes[name] = import_bundle(original)
        except TransferRefused as exc:
            outcomes[name] = exc
        finally:
            connection.close()

    first = threading.Thread(target=load, args=("first",), name="first")
    first.start()
    assert first_holds_the_lock.wait(30)
    second = threading.Thread(target=load, args=("second",), name="second")
    second.start()
    with connection.cursor() as cursor:  # the second load waits for the lock the first holds
        for _ in range(300):
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'relation'")
            if cursor.fetchone()[0]:
                break
            threading.Event().wait(0.1)
        else:
            pytest.fail("the second load did not wait for the first")
    second_is_waiting.set()
    first.join(60)
    second.join(60)

    assert isinstance(outcomes["first"], dict) and outcomes["first"]["register"] == len(populated["entries"])
    refused = outcomes["second"]
    assert isinstance(refused, TransferRefused) and refused.fault == "service"
    assert "This service already holds records of its own" in refused.problems[0]
    assert RegisterEntry.objects.count() == len(populated["entries"])


@pytest.mark.django_db(transaction=True)
def test_the_person_waiting_sees_the_load_page_while_the_load_holds_its_tables(
    populated, tmp_path, monkeypatch, client
):
    from accounts.models import Job, Notification
    from regulation.transfer.loading import IMPORT_KIND, LOAD

    from .test_loading import successor_regulator

    _needs_postgresql()
    original = bundle(tmp_path / "b")
    empty_the_database()
    regulator = successor_regulator()
    job = Job.objects.create(
        kind=IMPORT_KIND, title="Load b.zip", created_by=regulator, params={"stage": LOAD, "filename": "b.zip"}
    )
    job.progress, job.message = 40, "Loading register"
    job.save()
    tables_set_aside, done_looking = threading.Event(), threading.Event()
    real_run = importer._Load.run

    def pausing(load):
        tables_set_aside.set()  # the indexes are gone and the tables locked until this load commits
        assert done_looking.wait(30)
        return real_run(load)

    monkeypatch.setattr(importer._Load, "run", pausing)
    outcome = []

    def load():
        try:
            with transaction.atomic():
                outcome.append(import_bundle(original))
        finally:
            connection.close()

    loader = threading.Thread(target=load)
    loader.start()
    try:
        assert tables_set_aside.wait(30)
        client.force_login(regulator)
        with connection.cursor() as cursor:  # a page that waited on the load's locks fails here, not hangs
            cursor.execute("SET lock_timeout = '3s'")
        page = client.get(f"/register/transfer/load/{job.pk}/")
        status = client.get(f"/register/transfer/load/{job.pk}/", HTTP_ACCEPT="application/json")
        # The service's own work goes on: a message is queued in the outbox, which the load does not lock.
        notification = Notification.objects.create(
            key="transfer-test",
            event="transfer_test",
            recipient=regulator,
            email=regulator.email,
            subject="Still working",
            body="The outbox is not locked.",
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE mode = 'AccessExclusiveLock' AND granted"
                " AND relation = %s::regclass",
                [RegisterEntry._meta.db_table],
            )
            register_locked = cursor.fetchone()[0]
            cursor.execute("RESET lock_timeout")
    finally:
        done_looking.set()
        loader.join(60)
    assert register_locked == 1  # the load did hold the register while the page was served
    assert page.status_code == 200 and "Loading register" in page.content.decode()
    assert status.status_code == 200 and status.json()["progress"] == 40
    assert Notification.objects.filter(pk=notification.pk).exists()
    assert outcome and outcome[0]["register"] == len(populated["entries"])
