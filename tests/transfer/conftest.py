import datetime

import pytest
from django.db import connection

from accounts.models import Role
from regulation import services
from regulation.courses import services as course_services
from tests.courses.conftest import COURSE, approve
from tests.factories import make_user
from tests.regulation.conftest import SPRING, register

AS_AT = datetime.date(2027, 3, 2)
CREATED = datetime.datetime(2027, 3, 2, 12, 0, tzinfo=datetime.UTC)


# For a test of PostgreSQL's own ways (COPY, snapshots, DDL in a transaction): skipped before its fixtures are
# built, which for a whole register takes seconds the SQLite run need not spend.
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's own ways; CI runs them on PostgreSQL"
)


@pytest.fixture
def populated(db, time_machine):
    """A small register with every kind of record a transfer carries: statuses, a case through its stages with
    an interim order, conditions and an outcome, annotations, renewals, a renewal reminder, direct work logged,
    CPD (one deleted), employments current and ended, applications to register decided and being decided (one
    with documents, from someone not on the register), and courses approved, closed and proposed."""
    from accounts.models import Organisation
    from tests.factories import LocalAuthorityFactory, OrganisationFactory, RegionFactory

    time_machine.move_to(SPRING, tick=False)
    region = RegionFactory(code="E12000003", name="Yorkshire and The Humber")
    leeds = LocalAuthorityFactory(name="Leeds City Council", town="Leeds", region=region)
    regulator = make_user(Role.REGULATOR_STAFF, email="ruth@regulator.example")
    people = [
        ("Zoë", "Brontë-Smith"),
        ("Siân", "O’Neill"),
        ("Sam", "Okafor"),
        ("Amira", 'Khan, "Jr"'),
    ]
    entries = []
    for first, last in people:
        user = make_user(Role.SOCIAL_WORKER, organisation=leeds, first_name=first, last_name=last)
        entries.append(register(user, regulator))
    first = entries[0]
    case = services.open_case(
        entry=first, by=regulator, concern="Missed visits,\nrecorded twice", source="Employer", received_on=AS_AT
    )
    services.move_case_stage(case=case, by=regulator, stage="investigation", note="Evidence gathered")
    services.make_interim_order(
        case=case,
        by=regulator,
        kind="interim_conditions",
        starts_on=AS_AT,
        review_on=AS_AT + datetime.timedelta(days=30),
        expires_on=AS_AT + datetime.timedelta(days=180),
        reason="Risk to the public",
        conditions=["Work under supervision"],
    )
    services.add_condition(
        entry=entries[1],
        by=regulator,
        text="No lone working",
        starts_on=AS_AT,
        ends_on=AS_AT + datetime.timedelta(days=365),
    )
    services.add_annotation(
        entry=entries[2], by=regulator, kind="amhp", starts_on=AS_AT, note='=HYPERLINK("http://x.example","Approved")'
    )
    services.remove_voluntarily(entry=entries[3], by=entries[3].user, reason="-retired, +moved abroad")
    # Renewals (one by the person, one with nobody recorded), a renewal reminder sent and direct work logged:
    # written as the services leave them, with the awkward text a person may type.
    from decimal import Decimal

    from regulation.models import DirectWorkLog, Renewal, RenewalReminder

    Renewal.objects.create(
        entry=entries[1],
        year_end=datetime.date(2026, 11, 30),
        renewed_at=CREATED - datetime.timedelta(days=120),
        renewed_by=entries[1].user,
        late=True,
        cpd_count=3,
        peer_reflection_count=1,
    )
    Renewal.objects.create(
        entry=entries[2], year_end=datetime.date(2026, 11, 30), renewed_at=CREATED, renewed_by=None, cpd_count=2
    )
    RenewalReminder.objects.create(
        entry=entries[0], year_end=datetime.date(2027, 11, 30), kind="window_open", sent_at=CREATED
    )
    DirectWorkLog.objects.create(
        entry=entries[1],
        worked_on=AS_AT,
        hours=Decimal("7.50"),
        description='-Home visit, "urgent"\nfollow-up 🙂',
        created_at=CREATED,
    )
    DirectWorkLog.objects.create(
        entry=entries[1], worked_on=AS_AT, hours=Decimal("0.25"), description="Call", created_at=CREATED
    )
    university = OrganisationFactory(
        name="University of Leeds", kind=Organisation.Kind.EDUCATION_PROVIDER, region=region
    )
    provider = course_services.provider_for_organisation(organisation=university)
    lead = make_user(Role.COURSE_LEAD, organisation=university, email="lead@leeds.example")
    approved = course_services.add_course(provider=provider, by=lead, **COURSE)
    approve(approved, lead, regulator, conditions=[("Publish placement data", AS_AT + datetime.timedelta(days=90))])
    closed = course_services.add_course(provider=provider, by=lead, **{**COURSE, "title": "BA Social Work"})
    approve(closed, lead, regulator)
    course_services.close_course(course=closed, by=regulator, reason="No longer recruiting")
    course_services.add_course(provider=provider, by=lead, **{**COURSE, "title": "MSc Social Work"})
    _people_records(entries, leeds, regulator, approved)
    return {"regulator": regulator, "entries": entries, "case": case}


def _people_records(entries, leeds, regulator, course):
    """CPD, employments and applications to register, written as the services leave them, with the awkward text a
    person may type: a CPD record deleted (kept, marked), an employment ended, an application still being decided
    from someone with no register entry (with its documents) and one refused."""
    from decimal import Decimal

    from regulation.models import Application, ApplicationDocument, CPDRecord, Employment

    CPDRecord.objects.create(
        entry=entries[1],
        title="=SUM(A1:A2) workshop",
        activity_date=AS_AT,
        learning='Risk, "in context"\nand more',
        impact="-Better visits 🙂",
        discussed_with_peer=True,
        peer_name="Priya O’Shea",
        created_at=CREATED,
    )
    CPDRecord.objects.create(
        entry=entries[1],
        title="Reading",
        activity_date=AS_AT,
        learning="Articles",
        impact="Some",
        created_at=CREATED,
        deleted_at=CREATED + datetime.timedelta(hours=1),
    )
    Employment.objects.create(
        entry=entries[2],
        employer=leeds,
        role_title='Senior social worker, "children\'s"',
        started_on=datetime.date(2020, 1, 6),
        ended_on=datetime.date(2026, 12, 31),
        fte=Decimal("0.60"),
        contract="agency",
        end_reason="=moved on",
        created_at=CREATED,
    )
    Employment.objects.create(
        entry=entries[2],
        employer=leeds,
        role_title="Team manager",
        started_on=datetime.date(2027, 1, 4),
        fte=Decimal("1.00"),
        contract="permanent",
        confirmed_at=CREATED,
        confirmed_by=regulator,
        created_at=CREATED,
    )
    newcomer = make_user(Role.SOCIAL_WORKER, email="new@applicant.example", first_name="Ngozi", last_name="Adé")
    open_ = Application.objects.create(
        applicant=newcomer,
        first_name="Ngozi",
        last_name='Adé, "Jr"',
        date_of_birth=datetime.date(1995, 5, 5),
        email="new@applicant.example",
        address="=2 Long Lane,\nLeeds",
        qualification="MA Social Work",
        qualified_on=datetime.date(2026, 7, 1),
        employer=leeds,
        course=course,
        status="more_information",
        submitted_at=CREATED,
        information_requested="Send your +certificate",
        health_declaration=False,
        character_declaration=False,
        convictions_declaration=True,
        declaration_details="A caution, 2015",
        declared_at=CREATED,
    )
    ApplicationDocument.objects.create(
        application=open_,
        kind="qualification",
        file="register/applications/2027/03/certificate.pdf",
        original_name="=certificate, final.pdf",
        content_type="application/pdf",
        size=12345,
        uploaded_at=CREATED,
    )
    refused_by = make_user(Role.SOCIAL_WORKER, email="refused@applicant.example")
    Application.objects.create(
        applicant=refused_by,
        first_name="Lee",
        last_name="Refused",
        date_of_birth=datetime.date(1980, 1, 1),
        email="refused@applicant.example",
        address="3 Road",
        qualification="Unknown diploma",
        qualified_on=datetime.date(2001, 7, 1),
        course_not_listed=True,
        status="refused",
        submitted_at=CREATED - datetime.timedelta(days=10),
        decided_at=CREATED,
        decided_by=regulator,
        decision_reason="Not a qualifying course",
        restores=entries[3],
    )
