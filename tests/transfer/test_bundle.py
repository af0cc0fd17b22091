import datetime
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError

from regulation.models import FitnessToPractiseCase, RegisterEntry, RegistrationNumber, StatusChange
from regulation.transfer.export import write_bundle
from regulation.transfer.format import MANIFEST, datasets
from regulation.transfer.importer import TransferRefused, import_bundle
from regulation.transfer.verify import verify_bundle

from .conftest import AS_AT, CREATED, postgresql_only

pytestmark = pytest.mark.django_db


def bundle(path: Path, **kwargs) -> Path:
    write_bundle(path, as_at=AS_AT, created_at=CREATED, **kwargs)
    return path


def files_of(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.iterdir())}


def empty_the_database():
    """An empty database, as at the successor: nothing of the register, courses, people or organisations."""
    from django.db import connection

    if connection.vendor == "postgresql":
        # The test's transaction holds deferred foreign-key checks, and PostgreSQL truncates only without them.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)


def rewrite(path: Path, name: str, change) -> None:
    """Edit a file and put its new row count and checksum in the manifest, so only the content is wrong."""
    target = path / name
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = change(lines)
    target.write_text("".join(lines), encoding="utf-8", newline="")
    manifest = json.loads((path / MANIFEST).read_text())
    data = target.read_bytes()
    manifest["files"][name]["sha256"] = hashlib.sha256(data).hexdigest()
    manifest["files"][name]["rows"] = len(lines) - (1 if name.endswith(".csv") else 0)
    (path / MANIFEST).write_text(json.dumps(manifest))


def test_every_dataset_as_csv_and_jsonl_with_counts_and_checksums(populated, tmp_path):
    out = bundle(tmp_path / "b")
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["schema_version"] == "7"
    assert manifest["as_at"] == "2027-03-02" and manifest["created_at"] == "2027-03-02T12:00:00Z"
    assert manifest["kind"] == "full" and manifest["since"] is None
    for name in (
        "register",
        "registration_history",
        "annotations",
        "conditions",
        "ftp_cases",
        "ftp_orders",
        "education_providers",
        "courses",
        "course_approvals",
        "renewals",
        "renewal_reminders",
        "direct_work_logs",
        "cpd_records",
        "employments",
        "register_applications",
        "register_application_documents",
    ):
        assert {f"{name}.csv", f"{name}.jsonl"} <= set(manifest["files"])
    assert set(manifest["files"]) | {MANIFEST} == {p.name for p in out.iterdir()}
    for name, info in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == info["sha256"]
        lines = (out / name).read_text(encoding="utf-8").count("\n")
        if name.endswith(".jsonl"):
            assert lines == info["rows"]
    assert manifest["files"]["register.csv"]["rows"] == RegisterEntry.objects.count() == 4
    assert manifest["files"]["registration_history.jsonl"]["rows"] == StatusChange.objects.count()
    for name, rows in (
        ("renewals", 2),
        ("renewal_reminders", 1),
        ("direct_work_logs", 2),
        ("cpd_records", 2),  # the deleted one too, marked
        ("employments", 2),
        ("register_applications", 6),  # the four approved, one being decided, one refused
        ("register_application_documents", 1),
    ):
        assert manifest["files"][f"{name}.csv"]["rows"] == rows, name
    cpd = [json.loads(line) for line in (out / "cpd_records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["title"], r["deleted_at"] is None) for r in cpd] == [("=SUM(A1:A2) workshop", True), ("Reading", False)]
    assert (out / "cpd_records.csv").read_text(encoding="utf-8").splitlines()[1].count("'=SUM(A1:A2)") == 1
    jobs = [json.loads(line) for line in (out / "employments.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(j["fte"], j["ended_on"], j["confirmed_by"]) for j in jobs] == [
        ("0.60", "2026-12-31", None),
        ("1.00", None, "ruth@regulator.example"),
    ]
    applications = [
        json.loads(line) for line in (out / "register_applications.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [a["status"] for a in applications] == ["approved"] * 4 + ["more_information", "refused"]
    assert all(a["registration_number"] for a in applications[:4])
    waiting, refused = applications[4:]
    assert refused["registration_number"] is None and refused["restores_registration_number"] == (
        populated["entries"][3].registration_number
    )
    assert waiting["applicant"] == "new@applicant.example" and waiting["registration_number"] is None
    assert waiting["decided_at"] is None and waiting["convictions_declaration"] is True
    document = json.loads((out / "register_application_documents.jsonl").read_text(encoding="utf-8"))
    assert document["application_id"] == waiting["id"]
    assert document["document_stored_as"] == "register/applications/2027/03/certificate.pdf"
    renewals = [json.loads(line) for line in (out / "renewals.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["late"], r["cpd_count"], r["renewed_by"] is None) for r in renewals] == [
        (True, 3, False),
        (False, 2, True),
    ]
    logs = [json.loads(line) for line in (out / "direct_work_logs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [log["hours"] for log in logs] == ["7.50", "0.25"]
    assert (out / "direct_work_logs.csv").read_text(encoding="utf-8").splitlines()[1].count("'-Home visit") == 1
    first = json.loads((out / "register.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["first_name"] == "Zoë" and first["last_name"] == "Brontë-Smith"
    assert "surname_key" not in first and "name_key" not in first  # derived, recomputed on import
    header = (out / "register.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == [c.name for c in next(d for d in datasets() if d.name == "register").columns]
    assert verify_bundle(out).ok


def test_same_data_gives_byte_identical_files(populated, tmp_path):
    one, two = bundle(tmp_path / "one"), bundle(tmp_path / "two", chunk_size=1)
    assert files_of(one) == files_of(two)
    # created_at lives only in the manifest: the data files do not depend on it.
    three = tmp_path / "three"
    write_bundle(three, as_at=AS_AT)
    assert {k: v for k, v in files_of(one).items() if k != MANIFEST} == {
        k: v for k, v in files_of(three).items() if k != MANIFEST
    }


def test_the_export_reads_each_dataset_in_one_query(populated, tmp_path, django_assert_max_num_queries):
    with django_assert_max_num_queries(len(datasets()) + 1):  # and one for the ids loaded from a bundle
        write_bundle(tmp_path / "b", as_at=AS_AT, created_at=CREATED)


def test_round_trip_into_an_empty_database_gives_identical_files(populated, tmp_path):
    original = bundle(tmp_path / "original")
    number_of = {e.registration_number: (e.surname_key, e.name_key) for e in RegisterEntry.objects.all()}
    empty_the_database()
    assert not RegisterEntry.objects.exists()
    loaded = import_bundle(original)
    assert loaded["register"] == 4 and loaded["ftp_cases"] == 1
    again = bundle(tmp_path / "again")
    assert files_of(original) == files_of(again)
    # Search keys are recomputed by the register's own normalisation, not carried in the bundle.
    assert {e.registration_number: (e.surname_key, e.name_key) for e in RegisterEntry.objects.all()} == number_of
    assert RegisterEntry.objects.get(name_key="zoe bronte smith").status == "registered_with_conditions"
    # New numbers carry on after the transferred ones and never reuse one.
    highest = max(RegistrationNumber.objects.values_list("pk", flat=True))
    assert RegistrationNumber.objects.create().pk > highest


def test_a_long_text_travels_and_comes_back_identical(populated, tmp_path):
    """A case's concern of 200,000 characters, with commas (so its CSV cell is quoted and read by csv, beyond csv's
    default limit of 131,072 a cell): the bundle is sound, loads and exports byte for byte again."""
    concern = "Concern raised by the employer, then by a colleague. " * 4_000
    FitnessToPractiseCase.objects.update(concern=concern)
    original = bundle(tmp_path / "original")
    assert verify_bundle(original).ok
    empty_the_database()
    import_bundle(original)
    assert list(FitnessToPractiseCase.objects.values_list("concern", flat=True)) == [concern]
    assert files_of(bundle(tmp_path / "again")) == files_of(original)


def test_changes_since_a_date(populated, tmp_path, time_machine):
    later = datetime.date(2027, 6, 1)
    time_machine.move_to(datetime.datetime(2027, 6, 1, 9, tzinfo=datetime.UTC), tick=False)
    from regulation import services

    entry = populated["entries"][2]
    services.add_annotation(entry=entry, by=populated["regulator"], kind="bia", starts_on=later)
    out = tmp_path / "since"
    write_bundle(out, since=later, as_at=later, created_at=CREATED)
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["kind"] == "changes" and manifest["since"] == "2027-06-01"
    rows = [json.loads(line) for line in (out / "annotations.jsonl").read_text().splitlines()]
    assert [(r["registration_number"], r["kind"]) for r in rows] == [(entry.registration_number, "bia")]
    assert manifest["files"]["register.jsonl"]["rows"] == 0
    assert manifest["files"]["organisations.jsonl"]["rows"] > 0  # reference data always whole
    assert verify_bundle(out).ok
    with pytest.raises(TransferRefused, match="Only a full bundle"):
        import_bundle(out)


def test_a_failure_midway_publishes_nothing(populated, tmp_path):
    landed = []

    def disk_fills(done, total, dataset):
        landed.append(dataset)
        if len(landed) == 4:
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        bundle(tmp_path / "b", progress=disk_fills, chunk_size=1)
    assert len(landed) == 4
    assert list(tmp_path.iterdir()) == []  # neither the bundle nor its hidden partial directory
    assert verify_bundle(bundle(tmp_path / "b")).ok


def test_an_existing_directory_is_never_written_over(populated, tmp_path):
    (tmp_path / "b").mkdir()
    with pytest.raises(FileExistsError):
        bundle(tmp_path / "b")


# --- Refusals: verify and import give the exact reason and change nothing ---------------------------------------


def _missing_file(path):
    (path / "conditions.csv").unlink()
    return "conditions.csv is missing."


def _missing_manifest(path):
    (path / MANIFEST).unlink()
    return f"{MANIFEST} is missing"


def _wrong_checksum(path):
    with open(path / "ftp_orders.jsonl", "a", encoding="utf-8") as handle:
        handle.write("\n")
    return "ftp_orders.jsonl: wrong checksum"


def _unknown_version(path):
    manifest = json.loads((path / MANIFEST).read_text())
    manifest["schema_version"] = "99"
    (path / MANIFEST).write_text(json.dumps(manifest))
    return "Unknown schema version '99'"


def _malformed_row(path):
    def break_date(lines):
        record = json.loads(lines[1])
        record["registered_on"] = "31/02/2020"
        lines[1] = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        return lines

    rewrite(path, "register.jsonl", break_date)
    return "register.jsonl row 2: registered_on is not a valid date: '31/02/2020'."


def _bad_status(path):
    def break_status(lines):
        record = json.loads(lines[1])
        record["status"] = "struck_off"
        lines[1] = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        return lines

    rewrite(path, "register.jsonl", break_status)
    return "register.jsonl row 2: status 'struck_off' is not one of"


def _duplicate_number(path):
    number = []

    def duplicate(lines):
        record = json.loads(lines[1])
        number.append(record["registration_number"])
        record["id"] = 999
        return [*lines, json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"]

    def duplicate_csv(lines):
        return [*lines, "999" + lines[2][lines[2].index(",") :]]

    rewrite(path, "register.jsonl", duplicate)
    rewrite(path, "register.csv", duplicate_csv)
    return f"register.jsonl row 5: duplicate registration number {number[0]}."


def _csv_disagrees(path):
    rewrite(path, "courses.csv", lambda lines: [lines[0], lines[1].replace("Leeds campus", "York campus"), *lines[2:]])
    return (
        "courses.csv row 1 does not match courses.jsonl row 1: column site is 'York campus' in the CSV but "
        "'Leeds campus' in the JSON Lines."
    )


def _csv_cell_too_long(path):
    """A CSV cell longer than any sound row's (a JSON line's limit): named, not a crash."""
    from regulation.transfer.verify import LINE_MAX_BYTES

    long = "L" * (LINE_MAX_BYTES + 10)
    rewrite(path, "courses.csv", lambda lines: [lines[0], lines[1].replace("Leeds campus", long), *lines[2:]])
    return f"courses.csv row 1 cannot be read as CSV (field larger than field limit ({LINE_MAX_BYTES}))."


def _manifest_entry_not_an_object(path):
    manifest = json.loads((path / MANIFEST).read_text())
    manifest["files"]["register.jsonl"] = 5
    (path / MANIFEST).write_text(json.dumps(manifest))
    return f"{MANIFEST}: the entry for register.jsonl is not an object (rows, sha256)."


def _dangling_reference(path):
    was = []

    def orphan(lines):
        record = json.loads(lines[0])
        was.append(record["registration_number"])
        record["registration_number"] = "SW999999"
        return [json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n", *lines[1:]]

    def orphan_csv(lines):
        return [lines[0], lines[1].replace(was[0], "SW999999", 1), *lines[2:]]

    rewrite(path, "annotations.jsonl", orphan)
    rewrite(path, "annotations.csv", orphan_csv)
    return "annotations.jsonl row 1: registration number SW999999 is not in register.jsonl."


REFUSALS = [
    _missing_file,
    _missing_manifest,
    _wrong_checksum,
    _unknown_version,
    _malformed_row,
    _bad_status,
    _duplicate_number,
    _csv_disagrees,
    _csv_cell_too_long,
    _manifest_entry_not_an_object,
    _dangling_reference,
]


@pytest.mark.parametrize("damage", REFUSALS, ids=lambda f: f.__name__.strip("_"))
def test_a_damaged_bundle_is_refused_with_the_exact_reason(populated, tmp_path, damage):
    out = bundle(tmp_path / "b")
    expected = damage(out)
    report = verify_bundle(out)
    assert not report.ok
    assert any(expected in problem for problem in report.problems), report.problems
    with pytest.raises(CommandError):
        call_command("verify_transfer", str(out), stderr=open(tmp_path / "err.txt", "w"))  # noqa: SIM115
    assert expected in (tmp_path / "err.txt").read_text()
    empty_the_database()
    with pytest.raises(TransferRefused) as refused:
        import_bundle(out)
    assert any(expected in problem for problem in refused.value.problems)
    assert not RegisterEntry.objects.exists() and not FitnessToPractiseCase.objects.exists()


def test_rows_that_read_well_under_a_wrong_checksum_are_refused_for_the_checksum_alone(populated, tmp_path):
    """The checksums are worked out while the rows load (``verify.Checksums``): a row changed in both its files,
    so that it reads well and the two agree, is still refused, on its checksums alone, and nothing is kept."""
    out = bundle(tmp_path / "b")
    first = populated["entries"][0].first_name
    for name in ("register.jsonl", "register.csv"):  # the manifest keeps the checksums the exporter wrote
        text = (out / name).read_text(encoding="utf-8")
        assert first in text
        (out / name).write_text(text.replace(first, "Changed", 1), encoding="utf-8", newline="")
    empty_the_database()

    with pytest.raises(TransferRefused) as refused:
        import_bundle(out)

    assert refused.value.problems == [
        "register.csv: wrong checksum (its SHA-256 is not the one in manifest.json).",
        "register.jsonl: wrong checksum (its SHA-256 is not the one in manifest.json).",
    ]
    assert not RegisterEntry.objects.exists() and not FitnessToPractiseCase.objects.exists()
    # The rows themselves were sound: with the manifest saying the files' checksums, the same files load.
    for name in ("register.jsonl", "register.csv"):
        rewrite(out, name, lambda lines: lines)
    import_bundle(out)
    assert RegisterEntry.objects.filter(first_name="Changed").count() == 1


def test_a_file_whose_checksum_cannot_be_worked_out_is_never_taken_as_sound(tmp_path):
    from regulation.transfer.format import datasets
    from regulation.transfer.verify import Checksums

    names = [name for ds in datasets() for name in ds.files()]
    for name in names[1:]:
        (tmp_path / name).write_text("")
    (tmp_path / names[0]).mkdir()  # there, but cannot be read as a file
    empty = hashlib.sha256(b"").hexdigest()
    problems = Checksums(tmp_path, {name: {"sha256": empty} for name in names}).problems()
    assert problems == [f"{names[0]} cannot be read (Is a directory)."]


def test_a_failure_while_loading_leaves_the_database_unchanged(populated, tmp_path):
    out = bundle(tmp_path / "b")
    empty_the_database()
    # A region the bundle refers to by code, removed from regions.jsonl: found only while loading.
    from accounts.models import User

    users_before = User.objects.count()

    def drop_regions(lines):
        return []

    rewrite(out, "regions.jsonl", drop_regions)
    rewrite(out, "regions.csv", lambda lines: lines[:1])
    with pytest.raises(TransferRefused, match="region E12000003 is not known"):
        import_bundle(out)
    assert not RegisterEntry.objects.exists()
    assert User.objects.count() == users_before  # people created for the history were rolled back too


def test_a_local_authority_the_successor_holds_under_another_name_is_refused_and_its_namesake_matched(
    populated, tmp_path
):
    from accounts.models import Organisation

    out = bundle(tmp_path / "b")
    leeds = Organisation.objects.get(name="Leeds City Council")
    number = leeds.la_number
    empty_the_database()
    own = Organisation.objects.create(name="Leeds Council", kind=Organisation.Kind.LOCAL_AUTHORITY, la_number=number)
    with pytest.raises(TransferRefused) as refused:
        import_bundle(out)
    assert refused.value.problems == [
        f"organisations.jsonl: local authority {number} is “Leeds City Council” in the bundle but “Leeds Council” here."
    ]
    assert list(Organisation.objects.all()) == [own] and not RegisterEntry.objects.exists()

    Organisation.objects.filter(pk=own.pk).update(name="Leeds City Council")
    import_bundle(out)
    assert Organisation.objects.filter(la_number=number).get() == own  # matched, not added again


def test_import_refuses_a_register_that_is_not_empty_in_one_sentence_saying_what_it_holds(populated, tmp_path):
    out = bundle(tmp_path / "b")
    with pytest.raises(TransferRefused) as refused:
        import_bundle(out)
    assert refused.value.fault == "service"
    (problem,) = refused.value.problems
    assert problem.startswith("This service already holds records of its own (1 education provider, 4 register ")
    assert "other kinds of record" in problem and problem.endswith("nothing was loaded.")
    assert RegisterEntry.objects.count() == 4


def test_the_commands(populated, tmp_path, capsys):
    out = tmp_path / "cli"
    call_command("export_transfer", "--out", str(out), "--as-at", "2027-03-02", "--created-at", "2027-03-02T12:00")
    assert files_of(out) == files_of(bundle(tmp_path / "api"))
    call_command("verify_transfer", str(out))
    assert "The bundle is sound." in capsys.readouterr().out
    with pytest.raises(CommandError, match="already exists"):
        call_command("export_transfer", "--out", str(out))
    empty_the_database()
    with pytest.raises(CommandError, match="not a regulator staff account"):
        call_command("import_transfer", str(out), "--by", "nobody@example.com")
    from accounts.models import AuditEvent, Role
    from tests.factories import OrganisationFactory, make_user

    operator = make_user(Role.REGULATOR_STAFF, organisation=OrganisationFactory(id=9999), email="op@successor.example")
    call_command("import_transfer", str(out), "--by", "op@successor.example")
    printed = capsys.readouterr().out
    assert "register: 4 rows loaded" in printed and "The bundle was loaded." in printed
    event = AuditEvent.objects.get(action="transfer_imported")
    assert event.actor == operator and event.changes["loaded"]["register"] == 4
    assert event.changes["sha256"] == hashlib.sha256((out / MANIFEST).read_bytes()).hexdigest()
    with pytest.raises(CommandError, match="Nothing was loaded"):  # not empty any more: refused, and audited
        call_command("import_transfer", str(out), "--by", "op@successor.example", stderr=open(tmp_path / "e", "w"))  # noqa: SIM115
    refused = AuditEvent.objects.get(action="transfer_import_refused")
    assert "4 register entries" in refused.reason and refused.changes["fault"] == "service"
    assert refused.object_repr == f"Load {out.name} (command line): refused, nothing loaded"
    shutil.rmtree(out)


def test_the_data_dictionary_describes_every_file_and_column():
    from django.conf import settings

    from regulation.transfer.dictionary import tables

    document = (settings.BASE_DIR / "docs" / "transfer-format.md").read_text(encoding="utf-8")
    assert tables() in document, "regenerate the tables in docs/transfer-format.md from dictionary.tables()"


AWKWARD = [
    '{starts like JSON, "quoted", with a comma}',
    "back\\slash and\ttab",
    "carriage\r\nreturn and line\nfeed",
    "control \x01 and \x1f, bell \x07",
    "Ünïcödé — “curly” ‘quotes’ \u2028 line separator, emoji 🙂",
    '""',
    'ends with a quote"',
    ",",
    "",
]


def in_pieces_of(size: int, monkeypatch) -> None:
    """COPY's messages handed on a few bytes at a time: chunks, their fields and their lengths split across every
    boundary, as a connection might deliver them."""
    from regulation.transfer import postgres

    whole = postgres._Chunks.write

    def in_pieces(receiver, data):
        data = bytes(data)
        for at in range(0, len(data), size):
            whole(receiver, data[at : at + size])
        return len(data)

    monkeypatch.setattr(postgres._Chunks, "write", in_pieces)


def test_postgres_copy_and_the_portable_writer_give_the_same_bytes(populated, tmp_path, monkeypatch):
    from django.db import connection

    from regulation.models import Annotation
    from regulation.transfer import postgres

    if connection.vendor != "postgresql":
        pytest.skip("the COPY writer needs PostgreSQL; CI runs on it")
    regulator, entry = populated["regulator"], populated["entries"][2]
    for text in AWKWARD:  # ended annotations, so any number may sit on one entry
        Annotation.objects.create(
            entry=entry, kind="bia", starts_on=AS_AT, ends_on=AS_AT, note=text, end_reason=text, added_by=regulator
        )
    by_python = bundle(tmp_path / "python", engine="python")
    by_copy = bundle(tmp_path / "copy", engine="postgres")
    assert files_of(by_copy) == files_of(by_python)
    # Chunks of two ids (many chunks, each its own message), delivered seven bytes at a time.
    monkeypatch.setattr(postgres, "CHUNK_IDS", 2)
    in_pieces_of(7, monkeypatch)
    assert files_of(bundle(tmp_path / "pieces", engine="postgres")) == files_of(by_python)
    monkeypatch.undo()
    # A session whose dates are not written the ISO way, or not in UTC, still gets ISO dates and UTC times
    # (to_char instead of date::text, AT TIME ZONE 'UTC' before to_char).
    for setting, name in (("datestyle TO 'SQL, DMY'", "sql-datestyle"), ("TimeZone TO 'Pacific/Chatham'", "chatham")):
        with connection.cursor() as cursor:
            cursor.execute(f"SET {setting}")
        try:
            assert files_of(bundle(tmp_path / name, engine="postgres")) == files_of(by_python)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET datestyle TO 'ISO, MDY'")
                cursor.execute("SET TimeZone TO 'UTC'")
    lines = (by_copy / "annotations.jsonl").read_text(encoding="utf-8").split("\n")[:-1]  # U+2028 is not a line end
    notes = [json.loads(line)["note"] for line in lines]
    assert notes[-len(AWKWARD) :] == AWKWARD
    assert verify_bundle(by_copy).ok


def _reseed():
    """What a fresh service holds from its migrations: the statements and the early-career programmes."""
    import importlib

    from django.apps import apps

    for module in (
        "accreditation.migrations.0002_seed_standards_and_settings",
        "training.migrations.0002_seed_programmes",
    ):
        importlib.import_module(module).seed(apps, None)


@pytest.fixture
def pathways(populated):
    """A candidate through accreditation with practice mappings, a marked attempt, an observation second-marked and
    moderated, and an accreditation confirmed then revoked; and an early-career enrolment."""
    from accounts.models import Organisation, Role
    from accreditation.models import (
        Accreditation,
        AssessmentSession,
        Attempt,
        Booking,
        Candidate,
        DomainScore,
        Observation,
        PracticeMapping,
        Scoresheet,
        StandardVersion,
    )
    from tests.factories import make_user
    from training.models import Enrolment, Programme

    regulator, entry = populated["regulator"], populated["entries"][2]
    leeds = Organisation.objects.get(name="Leeds City Council")
    standard = StandardVersion.objects.get(level="practitioner", version=1)
    candidate = Candidate.objects.create(
        user=entry.user,
        level="practitioner",
        standard=standard,
        organisation=leeds,
        registration_number=entry.registration_number,
        stage="observation",
        endorsement="endorsed",
        endorsement_reason='Ready, and "keen"',
        started_by=regulator,
        started_at=CREATED,
        endorsement_decided_by=regulator,
        endorsement_decided_at=CREATED,
        knowledge_passed_at=CREATED + datetime.timedelta(days=3),
    )
    for key, statement in (("relation", 'Builds trust,\n"over time"'), ("risk", "=Weighs risk with the family")):
        PracticeMapping.objects.create(
            candidate=candidate, domain_key=key, statement=statement, updated_by=entry.user, updated_at=CREATED
        )
    Attempt.objects.create(
        candidate=candidate,
        number=1,
        standard=standard,
        status="marked",
        started_at=CREATED,
        deadline=CREATED + datetime.timedelta(hours=1),
        submitted_at=CREATED + datetime.timedelta(minutes=41),
        pass_mark_percent=70,
        score=25,
        max_score=30,
        passed=True,
    )
    assessor, second = make_user(Role.ASSESSOR), make_user(Role.ASSESSOR, email="second.assessor@example.com")
    session = AssessmentSession.objects.create(
        kind="centre",
        venue=leeds,
        address="Merrion House, Leeds",
        date=datetime.date(2027, 3, 20),
        slot="morning",
        capacity=3,
        assessor=assessor,
        created_by=regulator,
        created_at=CREATED,
    )
    first_booking = Booking.objects.create(
        session=session,
        candidate=candidate,
        status="cancelled",
        booked_by=entry.user,
        booked_at=CREATED,
        cancelled_at=CREATED + datetime.timedelta(days=1),
        cancelled_reason="Unwell",
    )
    booking = Booking.objects.create(
        session=session,
        candidate=candidate,
        status="checked_in",
        adjustments="Extra time, please;\nand a quiet room",
        booked_by=entry.user,
        booked_at=CREATED + datetime.timedelta(days=2),
        photo_id_confirmed=True,
        registration_confirmed=True,
        recording_consent=True,
        checked_in_by=assessor,
        checked_in_at=CREATED + datetime.timedelta(days=18),
    )
    observation = Observation.objects.create(
        candidate=candidate,
        booking=booking,
        status="decided",
        outcome="passed",
        moderation_reasons=["borderline"],
        moderated_by=regulator,
        moderated_at=CREATED + datetime.timedelta(days=25),
        moderation_reason='Second assessor\'s "met" holds',
        decided_at=CREATED + datetime.timedelta(days=25),
        created_at=CREATED + datetime.timedelta(days=18),
    )
    for marker, who, mark in (("first", assessor, 2), ("second", second, 3)):
        sheet = Scoresheet.objects.create(
            observation=observation,
            marker=marker,
            assessor=who,
            status="submitted",
            reflection_mark=mark,
            recommendation="pass",
            summary=f"{marker}: sound, kind, clear",
            assigned_at=CREATED + datetime.timedelta(days=18),
            updated_at=CREATED + datetime.timedelta(days=19),
            submitted_at=CREATED + datetime.timedelta(days=19),
        )
        DomainScore.objects.create(scoresheet=sheet, domain_key="relation", score=mark, evidence="Built trust")
        DomainScore.objects.create(scoresheet=sheet, domain_key="risk", score=None, evidence="")
    assert first_booking.pk
    Accreditation.objects.create(
        candidate=candidate,
        code="9F3KQ2M7XW4T8B6D1H5N0P2R",
        name="Amira “Mira” Haddad",
        registration_number=entry.registration_number,
        level="practitioner",
        awarded_on=datetime.date(2027, 4, 1),
        confirmed_at=CREATED + datetime.timedelta(days=30),
        confirmed_by=regulator,
        confirm_reason="Every stage met, the observation moderated",
        status="revoked",
        revoked_at=CREATED + datetime.timedelta(days=40),
        revoked_by=regulator,
        revoked_reason="Issued in error,\nsee case note",
        certificate_sha256="0" * 64,
    )
    newcomer = populated["entries"][1]
    enrolment = Enrolment.objects.create(
        programme=Programme.objects.get(code="asye"),
        participant=newcomer.user,
        registration_number=newcomer.registration_number,
        participant_name="Siân O’Neill",
        qualified_on=datetime.date(2026, 7, 1),
        employer=leeds,
        cohort="September 2027",
        team="Children in care, north",
        fte="0.60",
        start_date=datetime.date(2027, 9, 6),
        planned_end_date=datetime.date(2029, 5, 6),
        end_date=datetime.date(2029, 5, 6),
        supervisor=regulator,
        assessor=regulator,
        created_by=regulator,
        created_at=CREATED,
    )
    _enrolment_records(enrolment, regulator)
    _course_oversight(regulator)
    _agreements_funding_and_messages(enrolment, regulator)
    return populated


def _enrolment_records(enrolment, regulator):
    from training.models import Evidence, Moderation, Pause, ProtectedTime, Review, SupervisionSession

    for final, returned in ((True, CREATED + datetime.timedelta(days=20)), (True, None)):
        review = Review.objects.create(
            enrolment=enrolment,
            point="final",
            point_label="Final assessment",
            held_on=datetime.date(2028, 8, 1),
            assessor=regulator,
            # Written out of order, with text that needs escaping: the bundle writes it one way only.
            judgements={"standard_9": "met", "standard_10": "not_met", "ștandard_ü": "met", "a": "met"},
            standard_evidence={
                "standard_9": 'Observed twice, "calm"\nand clear\t— “good”',
                "standard_10": "Needs \\ more \x01 evidence, 🙂",
            },
            evidence_seen="=Logs, observations",
            actions="",
            recommendation="pass",
            is_final=final,
            returned_at=returned,
            recorded_by=regulator,
            recorded_at=CREATED,
        )
        Moderation.objects.create(
            enrolment=enrolment,
            review=review,
            stage="internal",
            decision="returned" if returned else "confirmed",
            reason="Evidence for standard 10",
            decided_by=regulator,
            decided_at=CREATED + datetime.timedelta(days=21),
        )
    Review.objects.create(
        enrolment=enrolment,
        point="month_3",
        point_label="Three-month review",
        held_on=datetime.date(2027, 12, 6),
        assessor=regulator,
        judgements={},
        evidence_seen="Supervision notes",
        recorded_by=regulator,
        recorded_at=CREATED,
    )

    Pause.objects.create(
        enrolment=enrolment,
        kind="parental",
        starts_on=datetime.date(2028, 1, 3),
        ends_on=datetime.date(2028, 4, 2),
        reason="Parental leave",
        recorded_by=regulator,
        recorded_at=CREATED,
    )
    SupervisionSession.objects.create(
        enrolment=enrolment,
        held_on=datetime.date(2027, 9, 20),
        minutes=90,
        supervisor=regulator,
        themes="Caseload, risk; and reflection",
        recorded_by=regulator,
        recorded_at=CREATED,
    )
    ProtectedTime.objects.create(
        enrolment=enrolment,
        week_starting=datetime.date(2027, 9, 13),
        hours="3.5",
        activity="Reading on attachment",
        recorded_by=regulator,
        recorded_at=CREATED,
    )
    Evidence.objects.create(
        enrolment=enrolment,
        kind="reflective_log",
        title="First home visit",
        occurred_on=datetime.date(2027, 9, 14),
        text="What went well, and what I would change",
        file="early-career-evidence/2027/09/3f2a.pdf",
        original_name="visit notes.pdf",
        detected_type="pdf",
        size=12345,
        added_by=regulator,
        added_at=CREATED,
    )


def _course_oversight(regulator):
    from regulation.courses.models import CourseApplication, CourseCondition, InformationRequest, MonitoringReturn

    condition = CourseCondition.objects.get()
    condition.evidence_file = "course-conditions/2027/03/ab12.pdf"
    condition.evidence_name, condition.evidence_type, condition.evidence_size = "placements.pdf", "pdf", 2048
    condition.save()
    application = condition.application
    assert CourseApplication.objects.filter(pk=application.pk).exists()
    InformationRequest.objects.create(
        application=application,
        question="How many placements are statutory?",
        due_on=datetime.date(2027, 3, 20),
        requested_by=regulator,
        requested_at=CREATED,
        response="All of the second",
        responded_at=CREATED + datetime.timedelta(days=3),
        responded_by=regulator,
    )
    MonitoringReturn.objects.create(
        course=condition.course,
        year=2027,
        due_on=datetime.date(2027, 12, 1),
        status="submitted",
        intake=40,
        students=110,
        completions=35,
        placement_days_provided=170,
        changes="=none",
        submitted_at=CREATED,
        submitted_by=regulator,
        created_at=CREATED,
    )


def _agreements_funding_and_messages(enrolment, regulator):
    """Schema 5's records: an enrolment's learning agreement, caseload, a review held outside its window, a funding
    claim and a reminder; an approval's inspection exemption (its per-standard reviews come with ``approve``); a
    message sent, one turned off and one still waiting (which stays out); and audit events whose changes nest."""
    from accounts.models import Notification
    from accounts.services import record_event
    from regulation.courses.models import CourseApplication, InspectionExemption
    from training.models import (
        CaseloadMonth,
        FundingClaim,
        FundingClaimLine,
        LearningAgreement,
        Reminder,
        ReviewWindowException,
    )

    LearningAgreement.objects.create(
        enrolment=enrolment,
        agreed_on=datetime.date(2027, 9, 10),
        development_needs='Court skills,\nand "report writing"',
        support="=Weekly supervision",
        workload="",
        recorded_by=regulator,
        recorded_at=CREATED,
    )
    for month, cases in ((datetime.date(2027, 9, 1), 6), (datetime.date(2027, 10, 1), 9)):
        CaseloadMonth.objects.create(
            enrolment=enrolment,
            month=month,
            cases=cases,
            experienced_caseload=18,
            recorded_by=regulator,
            recorded_at=CREATED,
        )
    ReviewWindowException.objects.create(
        enrolment=enrolment,
        point="month_3",
        reason="Supervisor's leave — agreed",
        granted_by=regulator,
        granted_at=CREATED,
    )
    claim = FundingClaim.objects.create(
        employer=enrolment.employer,
        period_start=datetime.date(2027, 9, 1),
        period_end=datetime.date(2027, 12, 31),
        total="2000.00",
        created_by=regulator,
        created_at=CREATED,
    )
    FundingClaimLine.objects.create(
        claim=claim,
        enrolment=enrolment,
        milestone="start",
        milestone_label="Started the programme",
        reached_on=datetime.date(2027, 9, 6),
        amount="2000.00",
    )
    Reminder.objects.create(
        enrolment=enrolment,
        kind="review",
        due_on=datetime.date(2027, 12, 6),
        sent_to="ruth@regulator.example, -lead@leeds.example",
        sent_at=CREATED,
    )
    application = CourseApplication.objects.filter(inspections__isnull=True).first() or CourseApplication.objects.last()
    InspectionExemption.objects.create(
        application=application, reason="Inspected last year,\nno change", granted_by=regulator, granted_at=CREATED
    )
    about = {"content_type": ContentType.objects.get_for_model(enrolment), "object_id": str(enrolment.pk)}
    for key, status, sent in (
        ("training/review_due:1:a", Notification.Status.SENT, CREATED),
        ("training/review_due:1:b", Notification.Status.TURNED_OFF, None),
        ("training/review_due:1:c", Notification.Status.QUEUED, None),
    ):
        Notification.objects.create(
            key=key,
            event="training/review_due",
            recipient=regulator if status != Notification.Status.QUEUED else None,
            email=regulator.email if status != Notification.Status.QUEUED else "-someone@else.example",
            subject="Review due: Siân O’Neill",
            body='Dear Ruth,\n\nThe review is due on 6 December, "please" book it.\t🙂',
            status=status,
            created_at=CREATED,
            handed_over_at=sent,
            sent_at=sent,
            **about,
        )
    Notification.objects.create(
        key="call.1", event="welcome", email="x@y.example", subject="Hello", body="", status="sent"
    )
    record_event(
        enrolment,
        "funding_claimed",
        by=regulator,
        reason="=Claimed, as agreed",
        changes={
            "z": [1, 2.5, {"b": "ü", "a": None}],
            "a": {"nested": {"deeper": ['"quoted"', "tab\there", "\x01"]}, "empty": {}},
            "ü": True,
            "n": -3,
        },
    )
    record_event(claim, "claim_made", by=None)


def test_accreditation_and_early_career_records_travel_and_come_back_identical(pathways, tmp_path):
    original = bundle(tmp_path / "original")
    manifest = json.loads((original / MANIFEST).read_text())
    assert manifest["files"]["accreditation_candidates.csv"]["rows"] == 1
    assert manifest["files"]["knowledge_assessment_results.jsonl"]["rows"] == 1
    assert manifest["files"]["early_career_enrolments.jsonl"]["rows"] == 1
    enrolment = json.loads((original / "early_career_enrolments.jsonl").read_text(encoding="utf-8"))
    assert enrolment["programme"] == "asye" and enrolment["fte"] == "0.60" and enrolment["line_manager"] is None
    candidate = json.loads((original / "accreditation_candidates.jsonl").read_text(encoding="utf-8"))
    assert candidate["standard"] == "practitioner v1" and candidate["stage"] == "observation"
    accreditation = json.loads((original / "accreditations.jsonl").read_text(encoding="utf-8"))
    assert accreditation["candidate_id"] == candidate["id"] and accreditation["status"] == "revoked"
    assert accreditation["revoked_by"] == pathways["regulator"].email and accreditation["confirmed_by_rules"] is False
    assert accreditation["revoked_reason"] == "Issued in error,\nsee case note"
    for name, rows in (
        ("early_career_pauses", 1),
        ("early_career_reviews", 3),
        ("early_career_moderation", 2),
        ("early_career_supervision", 1),
        ("early_career_protected_time", 1),
        ("early_career_evidence", 1),
        ("course_conditions", 1),
        ("course_information_requests", 1),
        ("course_inspections", 2),
        ("course_monitoring_returns", 1),
        ("assessment_sessions", 1),
        ("observation_bookings", 2),
        ("practice_observations", 1),
        ("observation_scoresheets", 2),
        ("observation_domain_scores", 4),
        ("accreditation_practice_mappings", 2),
        ("early_career_learning_agreements", 1),
        ("early_career_caseload", 2),
        ("early_career_review_window_exceptions", 1),
        ("early_career_funding_claims", 1),
        ("early_career_funding_claim_lines", 1),
        ("early_career_reminders", 1),
        ("course_inspection_exemptions", 1),
        ("messages_sent", 3),  # not the one still waiting to be sent
    ):
        assert manifest["files"][f"{name}.csv"]["rows"] == rows, name
    from accounts.models import AuditEvent
    from regulation.courses.models import StandardReview

    assert manifest["files"]["course_standard_reviews.jsonl"]["rows"] == StandardReview.objects.count() > 0
    assert manifest["files"]["audit_events.jsonl"]["rows"] == AuditEvent.objects.count() > 2
    events = [json.loads(line) for line in (original / "audit_events.jsonl").read_text(encoding="utf-8").splitlines()]
    claimed = next(e for e in events if e["action"] == "funding_claimed")
    assert claimed["record_type"] == "training.enrolment" and claimed["actor"] == pathways["regulator"].email
    assert claimed["changes"] == (
        '{"a":{"empty":{},"nested":{"deeper":["\\"quoted\\"","tab\\there","\\u0001"]}},"n":-3,'
        '"z":[1,2.5,{"a":null,"b":"ü"}],"ü":true}'
    )
    assert next(e for e in events if e["action"] == "claim_made")["actor"] is None
    exception = json.loads((original / "early_career_review_window_exceptions.jsonl").read_text(encoding="utf-8"))
    assert exception["granted_by"] == pathways["regulator"].email and exception["reason"].startswith("Supervisor")
    observation = json.loads((original / "practice_observations.jsonl").read_text(encoding="utf-8"))
    assert observation["outcome"] == "passed" and observation["moderated_by"] == pathways["regulator"].email
    from django.db import connection

    if connection.vendor == "postgresql":
        assert files_of(bundle(tmp_path / "python", engine="python")) == files_of(original)
    empty_the_database()
    _reseed()
    loaded = import_bundle(original)
    assert loaded["accreditation_candidates"] == 1 and loaded["early_career_enrolments"] == 1
    assert loaded["accreditations"] == 1 and loaded["observation_domain_scores"] == 4
    assert loaded["accreditation_practice_mappings"] == 2 and loaded["renewals"] == 2
    assert loaded["renewal_reminders"] == 1 and loaded["direct_work_logs"] == 2
    assert loaded["cpd_records"] == 2 and loaded["employments"] == 2
    assert loaded["register_applications"] == 6 and loaded["register_application_documents"] == 1
    assert files_of(bundle(tmp_path / "again")) == files_of(original)
    # The schedule dates an enrolment keeps are derived, so not in the bundle: the load derives them.
    from training import schedule, services
    from training.models import Enrolment

    assert not Enrolment.objects.exclude(schedule_version=schedule.RULES_VERSION).exists()
    assert Enrolment.objects.exclude(supervision_due_on=None).count() == 1
    assert services.store_schedules(Enrolment.objects.all()) == 0  # already what the records say


def test_a_draft_scoresheet_with_no_recommendation_yet_travels_and_comes_back(pathways, tmp_path):
    """The dictionary says a recommendation may be an empty text (a draft's): verify and import accept it, and
    still refuse any other value outside the choices."""
    from accreditation.models import Observation, Scoresheet

    Observation.objects.update(status="second_marking", outcome="pending", decided_at=None)
    Scoresheet.objects.filter(marker="second").update(
        status="draft", reflection_mark=None, recommendation="", submitted_at=None
    )
    original = bundle(tmp_path / "original")
    sheets = (original / "observation_scoresheets.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["recommendation"] for line in sheets] == ["pass", ""]
    assert verify_bundle(original).ok
    empty_the_database()
    _reseed()
    assert import_bundle(original)["observation_scoresheets"] == 2
    assert Scoresheet.objects.get(marker="second").recommendation == ""
    assert files_of(bundle(tmp_path / "again")) == files_of(original)

    shutil.copytree(original, tmp_path / "damaged")
    rewrite(
        tmp_path / "damaged",
        "observation_scoresheets.jsonl",
        lambda lines: [lines[0].replace('"pass"', '"maybe"'), *lines[1:]],
    )
    problems = verify_bundle(tmp_path / "damaged").problems
    assert "observation_scoresheets.jsonl row 1: recommendation 'maybe' is not one of pass, not_pass." in problems


def test_a_programme_the_successor_does_not_hold_is_refused(pathways, tmp_path):
    from training.models import Programme

    original = bundle(tmp_path / "original")
    empty_the_database()
    _reseed()
    Programme.objects.filter(code="asye").update(code="asye-2")
    with pytest.raises(TransferRefused, match=r"early_career_enrolments\.jsonl row 1: programme asye is not known"):
        import_bundle(original)
    assert not RegisterEntry.objects.exists()


def _with_value(path: Path, name: str, column: str, value) -> None:
    """Row 1 of a dataset with one column's value changed, in both files (the CSV row written as the exporter
    writes it), with the manifest's checksums to match: only the reference is wrong."""
    import csv
    import io

    from regulation.transfer.format import csv_cell, dataset, json_to_csv

    ds = dataset(name)
    lines = (path / f"{name}.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    first = json.loads(lines[0])
    first[column] = value
    lines[0] = json.dumps(first, ensure_ascii=False, separators=(",", ":")) + "\n"
    (path / f"{name}.jsonl").write_text("".join(lines), encoding="utf-8", newline="")
    with open(path / f"{name}.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1] = [csv_cell(c, json_to_csv(first[c.name])) for c in ds.columns]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    (path / f"{name}.csv").write_text(buffer.getvalue(), encoding="utf-8", newline="")
    manifest = json.loads((path / MANIFEST).read_text())
    for file in (f"{name}.jsonl", f"{name}.csv"):
        manifest["files"][file]["sha256"] = hashlib.sha256((path / file).read_bytes()).hexdigest()
    (path / MANIFEST).write_text(json.dumps(manifest))


# Each schema 5, 6 and 7 dataset's references: (dataset, column, a value the bundle does not hold, the problem named).
BAD_REFERENCES = [
    *(
        (name, "enrolment_id", 999, f"{name}.jsonl row 1: enrolment_id 999 is not in early_career_enrolments.jsonl.")
        for name in (
            "early_career_learning_agreements",
            "early_career_caseload",
            "early_career_review_window_exceptions",
            "early_career_funding_claim_lines",
            "early_career_reminders",
        )
    ),
    (
        "early_career_funding_claims",
        "employer_id",
        999,
        "early_career_funding_claims.jsonl row 1: employer_id 999 is not in organisations.jsonl.",
    ),
    (
        "early_career_funding_claim_lines",
        "claim_id",
        999,
        "early_career_funding_claim_lines.jsonl row 1: claim_id 999 is not in early_career_funding_claims.jsonl.",
    ),
    *(
        (name, "application_id", 999, f"{name}.jsonl row 1: application_id 999 is not in course_approvals.jsonl.")
        for name in ("course_standard_reviews", "course_inspection_exemptions")
    ),
    *(
        (
            name,
            "registration_number",
            "SW999999",
            f"{name}.jsonl row 1: registration number SW999999 is not in register.jsonl.",
        )
        for name in ("renewals", "renewal_reminders", "direct_work_logs")
    ),
    *(
        (
            name,
            "registration_number",
            "SW999999",
            f"{name}.jsonl row 1: registration number SW999999 is not in register.jsonl.",
        )
        for name in ("cpd_records", "employments", "register_applications")
    ),
    (
        "register_applications",
        "restores_registration_number",
        "SW999999",
        "register_applications.jsonl row 1: restores_registration_number SW999999 is not in register.jsonl.",
    ),
    *(
        (name, "employer_id", 999, f"{name}.jsonl row 1: employer_id 999 is not in organisations.jsonl.")
        for name in ("employments", "register_applications")
    ),
    (
        "register_applications",
        "course_id",
        999,
        "register_applications.jsonl row 1: course_id 999 is not in courses.jsonl.",
    ),
    (
        "register_application_documents",
        "application_id",
        999,
        "register_application_documents.jsonl row 1: application_id 999 is not in register_applications.jsonl.",
    ),
    (
        "accreditation_practice_mappings",
        "candidate_id",
        999,
        "accreditation_practice_mappings.jsonl row 1: candidate_id 999 is not in accreditation_candidates.jsonl.",
    ),
    # A kind of record this service does not have: found only on loading, where the kinds are looked up.
    *(
        (
            name,
            "record_type",
            "nosuch.thing",
            f"{name}.jsonl row 1: record_type nosuch.thing is not known to this service.",
        )
        for name in ("messages_sent", "audit_events")
    ),
]


@pytest.mark.parametrize(
    ("name", "column", "value", "expected"), BAD_REFERENCES, ids=[f"{n}.{c}" for n, c, _, _ in BAD_REFERENCES]
)
def test_a_bad_reference_in_a_schema_5_6_or_7_dataset_is_refused_naming_file_row_and_column_and_nothing_changes(
    pathways, tmp_path, name, column, value, expected
):
    from accounts.models import AuditEvent, Notification, Organisation, User
    from regulation.models import TransferredId
    from training.models import Enrolment

    out = bundle(tmp_path / "b")
    _with_value(out, name, column, value)
    if column != "record_type":
        assert expected in verify_bundle(out).problems
    empty_the_database()
    _reseed()
    own = Organisation.objects.create(name="Successor Regulator", kind=Organisation.Kind.REGULATOR)
    from accounts.services import record_event

    record_event(own, "organisation_created", by=None)
    before = (User.objects.count(), Organisation.objects.count(), list(AuditEvent.objects.values_list("pk", "action")))
    with pytest.raises(TransferRefused) as refused:
        import_bundle(out)
    assert expected in refused.value.problems
    after = (User.objects.count(), Organisation.objects.count(), list(AuditEvent.objects.values_list("pk", "action")))
    assert after == before
    assert not RegisterEntry.objects.exists() and not Enrolment.objects.exists()
    assert not Notification.objects.exists() and not TransferredId.objects.exists()


# --- On PostgreSQL, outside a test's transaction: several connections, one snapshot ------------------------------


def _needs_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the COPY writer needs PostgreSQL; CI runs on it")


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_several_connections_write_the_same_bytes_as_the_portable_writer(populated, tmp_path, monkeypatch, settings):
    import threading

    from regulation.models import Annotation
    from regulation.transfer import postgres

    _needs_postgresql()
    regulator, entry = populated["regulator"], populated["entries"][2]
    for text in AWKWARD:
        Annotation.objects.create(
            entry=entry, kind="bia", starts_on=AS_AT, ends_on=AS_AT, note=text, end_reason=text, added_by=regulator
        )
    writers, settings_seen = set(), set()
    real_run = postgres._Task.run

    def noting_the_thread(task, cursor, *args, **kwargs):
        writers.add(threading.current_thread().name)
        cursor.execute(
            "SELECT current_setting('TimeZone'), current_setting('max_parallel_workers_per_gather'),"
            " current_setting('jit'), current_setting('transaction_read_only')"
        )
        settings_seen.add(cursor.fetchone())
        return real_run(task, cursor, *args, **kwargs)

    monkeypatch.setattr(postgres._Task, "run", noting_the_thread)
    monkeypatch.setattr(postgres, "CHUNK_IDS", 3)
    in_pieces_of(7, monkeypatch)
    by_copy = bundle(tmp_path / "copy", engine="postgres")
    assert writers == {"transfer-export-0", "transfer-export-1"}  # not this thread: nothing of it is uncommitted
    assert settings_seen == {("UTC", "0", "off", "on")}  # set_up_transaction, in a read-only transaction
    assert files_of(by_copy) == files_of(bundle(tmp_path / "python", engine="python"))
    assert verify_bundle(by_copy).ok
    writers.clear()
    settings.TRANSFER_EXPORT_CONNECTIONS = 0  # a setting of nothing still writes, on one connection
    assert files_of(bundle(tmp_path / "one", engine="postgres")) == files_of(by_copy)
    assert writers == {"transfer-export-0"}


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_every_file_shows_the_moment_the_export_began_whatever_is_committed_meanwhile(populated, tmp_path, monkeypatch):
    import threading

    from django.db import connections

    from regulation.transfer import postgres

    _needs_postgresql()
    before = files_of(bundle(tmp_path / "before"))
    entry = populated["entries"][0]
    real_run = postgres._Task.run
    changed, first = [], threading.Lock()

    def someone_changes_the_register_first(task, *args, **kwargs):
        with first:
            if not changed:  # committed on this thread's own connection, after the snapshot, before a file
                RegisterEntry.objects.filter(pk=entry.pk).update(first_name="Changed")
                StatusChange.objects.create(
                    entry=entry,
                    from_status="registered",
                    to_status="removed",
                    reason="x",
                    changed_by=populated["regulator"],
                )
                connections["default"].close()
                changed.append(True)
        return real_run(task, *args, **kwargs)

    monkeypatch.setattr(postgres._Task, "run", someone_changes_the_register_first)
    during = bundle(tmp_path / "during")
    assert changed and RegisterEntry.objects.get(pk=entry.pk).first_name == "Changed"
    assert files_of(during) == before
    monkeypatch.setattr(postgres._Task, "run", real_run)
    assert files_of(bundle(tmp_path / "after")) != before


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_a_connection_that_fails_stops_the_others_and_publishes_nothing(populated, tmp_path, monkeypatch):
    import threading

    from regulation.transfer import postgres

    _needs_postgresql()
    real_run = postgres._Task.run
    started = []

    def the_first_dataset_fails(task, *args, **kwargs):
        started.append(task.ds.name)
        if len(started) == 1:
            raise OSError("disk full")
        return real_run(task, *args, **kwargs)

    monkeypatch.setattr(postgres._Task, "run", the_first_dataset_fails)
    with pytest.raises(OSError, match="disk full"):
        bundle(tmp_path / "b")
    assert list(tmp_path.iterdir()) == []
    assert not [t for t in threading.enumerate() if t.name.startswith("transfer-export-")]
    assert len(started) < len(datasets())  # the other connection took no more datasets once one failed


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_files_are_made_durable_beside_the_connections_and_a_failure_there_publishes_nothing(
    populated, tmp_path, monkeypatch
):
    import threading

    from regulation.transfer import postgres

    _needs_postgresql()
    real_init, real_sync = postgres._File.__init__, postgres._File.sync
    opened, syncers = [], set()

    def noting_the_file(file, *args, **kwargs):
        real_init(file, *args, **kwargs)
        opened.append(file)

    def noting_the_thread(file):
        syncers.add(threading.current_thread().name)
        return real_sync(file)

    monkeypatch.setattr(postgres._File, "__init__", noting_the_file)
    monkeypatch.setattr(postgres._File, "sync", noting_the_thread)
    assert verify_bundle(bundle(tmp_path / "b")).ok
    assert syncers == {"transfer-export-sync"}  # not a connection's thread: they went on to the next file
    assert len(opened) == len(datasets()) * 2 and all(file.handle.closed for file in opened)

    opened.clear()
    failed = []

    def the_first_sync_fails(file):
        if not failed:
            failed.append(file)
            raise OSError("I/O error")
        return real_sync(file)

    monkeypatch.setattr(postgres._File, "sync", the_first_sync_fails)
    with pytest.raises(OSError, match="I/O error"):
        bundle(tmp_path / "c")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"]
    assert not [t for t in threading.enumerate() if t.name.startswith("transfer-export-")]
    assert opened and all(file.handle.closed for file in opened)


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_files_are_made_durable_while_they_are_written_and_a_failure_then_is_not_lost(populated, tmp_path, monkeypatch):
    import errno
    import os
    import threading

    from regulation.transfer import postgres

    _needs_postgresql()
    monkeypatch.setattr(postgres, "SYNC_EVERY", 64)  # bytes: several times a file, even with the test's rows
    real_fdatasync, early = os.fdatasync, []

    def noting_the_thread(fd):
        early.append(threading.current_thread().name)
        return real_fdatasync(fd)

    monkeypatch.setattr(postgres.os, "fdatasync", noting_the_thread)
    assert verify_bundle(bundle(tmp_path / "b")).ok
    assert early and set(early) == {"transfer-export-sync"}  # beside the connections, not on them

    def the_disk_fails(fd):
        raise OSError(errno.EIO, "Input/output error")

    # The system reports a failed write to one fsync only: the early one stops the export, and is its error.
    monkeypatch.setattr(postgres.os, "fdatasync", the_disk_fails)
    with pytest.raises(OSError, match="Input/output error"):
        bundle(tmp_path / "c")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"]
    assert not [t for t in threading.enumerate() if t.name.startswith("transfer-export-")]


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_a_leader_that_cannot_start_and_a_cancel_that_is_refused_still_end_the_export_with_the_first_error(
    populated, tmp_path, monkeypatch
):
    """The server goes away as the export starts: the leader cannot take its snapshot, and cancelling the
    connection already open is refused. The export must still end, promptly, with the leader's error."""
    import threading

    from django.db import connection, connections

    from regulation.transfer import postgres

    _needs_postgresql()
    real_create = connections.create_connection
    opened, leading = threading.Event(), threading.Event()

    class Unreachable:
        def __init__(self, raw):
            self.raw = raw

        def cancel(self):
            raise OSError("could not send cancel request")

    class Registered(list):
        """The crew's open connections, whose cancel is refused."""

        def append(self, raw):
            super().append(Unreachable(raw))
            opened.set()

        def remove(self, raw):
            self[:] = [held for held in self if held.raw is not raw]

        def __contains__(self, raw):
            return any(held.raw is raw for held in self)

    class Crew(postgres._Crew):
        def __init__(self):
            super().__init__()
            self.open_connections = Registered()

    def create_connection(alias):
        made = real_create(alias)
        if leading.is_set() and threading.current_thread() is exporting:  # the leader, in the caller's thread

            def cannot_start():
                opened.wait(10)  # once a connection has opened and waits for the snapshot
                raise OSError("server closed the connection unexpectedly")

            made.ensure_connection = cannot_start
        return made

    outcome = []

    def export():
        connection.ensure_connection()  # this thread's own connection, made before the leader's
        leading.set()
        try:
            bundle(tmp_path / "b", engine="postgres")
        except BaseException as exc:  # the outcome is what is tested
            outcome.append(exc)
        finally:
            connection.close()

    monkeypatch.setattr(postgres, "_Crew", Crew)
    monkeypatch.setattr(postgres.connections, "create_connection", create_connection)
    exporting = threading.Thread(target=export, daemon=True)
    exporting.start()
    exporting.join(60)
    assert not exporting.is_alive(), "the export hung"
    assert opened.is_set()
    assert [str(exc) for exc in outcome] == ["server closed the connection unexpectedly"]
    assert list(tmp_path.iterdir()) == []
    assert not [t for t in threading.enumerate() if t.name.startswith("transfer-export-")]


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_a_server_that_ends_idle_transactions_does_not_end_the_export(populated, tmp_path):
    """Managed PostgreSQL often ends sessions idle in a transaction; the leader is idle for the whole export."""
    import time

    from django.db import connections

    _needs_postgresql()
    expected = files_of(bundle(tmp_path / "expected", engine="python"))
    options = connections.settings["default"].setdefault("OPTIONS", {})
    before = dict(options)
    options["options"] = "-c idle_in_transaction_session_timeout=300"
    slow = []

    def slow_progress(done, total, dataset):
        if not slow:
            slow.append(dataset)
            time.sleep(1)  # the leader sits idle in its transaction meanwhile

    try:
        assert files_of(bundle(tmp_path / "b", engine="postgres", progress=slow_progress)) == expected
    finally:
        options.clear()
        options.update(before)
    assert slow


def test_a_load_reports_its_progress_by_rows_as_it_goes(populated, tmp_path, monkeypatch):
    from regulation.transfer import importer

    original = bundle(tmp_path / "original")
    empty_the_database()
    monkeypatch.setattr(importer, "BATCH", 2)
    reports = []
    loaded = import_bundle(original, progress=lambda name, count: reports.append((name, count)))
    register = [count for name, count in reports if name == "register"]
    assert register == [2, 4, 4]  # after each batch, then once the dataset is done
    # Every dataset in the order it loads, its last report its whole count.
    assert list(dict.fromkeys(name for name, _ in reports)) == list(loaded)
    assert dict(reports) == loaded


def test_a_service_that_loaded_a_bundle_before_is_refused_even_with_nothing_else_held(populated, tmp_path):
    from regulation.models import TransferredId

    original = bundle(tmp_path / "original")
    empty_the_database()
    TransferredId.objects.create(dataset="organisations", bundle_id=5, local_id=1, loaded_at=CREATED)
    with pytest.raises(TransferRefused) as refused:
        import_bundle(original)
    assert refused.value.fault == "service"
    assert refused.value.problems[0].startswith("A bundle was already loaded into this service on 2 March 2027, ")
    assert not RegisterEntry.objects.exists()
