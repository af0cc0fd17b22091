"""Standards, eligibility, nomination and request, practice mapping, endorsement, and pausing."""

import datetime

import pytest

from accounts.models import AuditEvent, Role
from accounts.services import ServiceError
from accreditation import services
from accreditation.models import Candidate, Level, StandardVersion
from accreditation.selectors import pathway_for
from regulation import services as register_services
from tests.factories import LocalAuthorityFactory, make_user
from tests.regulation.conftest import register

from .conftest import employ, map_all

pytestmark = pytest.mark.django_db


def test_all_three_levels_are_seeded_with_their_domains():
    counts = {s.level: s.domains.count() for s in StandardVersion.objects.filter(version=1)}
    assert counts == {"practitioner": 10, "supervisor": 8, "leader": 6}


def test_revising_a_standard_publishes_a_new_version_and_candidates_keep_theirs(nominated, regulator):
    old = nominated.standard
    domains = [{"key": d.key, "title": d.title, "description": ""} for d in old.domains.all()]
    domains[0]["title"] = "Relationships, direct work and the child's voice"
    new = services.revise_standard(level="practitioner", domains=domains, by=regulator, reason="Consultation")
    assert new.version == old.version + 1
    assert new.domains.get(key="p1").title.startswith("Relationships, direct work")
    nominated.refresh_from_db()
    assert nominated.standard == old
    assert old.domains.get(key="p1").title == "Relationships and effective direct work"
    assert AuditEvent.objects.filter(action="standard_published").exists()


def test_revising_a_standard_refuses_a_blank_heading_or_no_reason(regulator):
    domains = [{"key": "l1", "title": ""}]
    with pytest.raises(ServiceError, match="heading"):
        services.revise_standard(level="leader", domains=domains, by=regulator, reason="x")
    with pytest.raises(ServiceError, match="why"):
        services.revise_standard(level="leader", domains=[{"key": "l1", "title": "A"}], by=regulator, reason=" ")
    assert StandardVersion.objects.filter(level="leader").count() == 1


def test_manager_nominates_a_registered_worker_of_their_organisation(nominated, worker):
    assert nominated.user == worker
    assert nominated.stage == Candidate.Stage.ENDORSEMENT
    assert nominated.endorsement == Candidate.Endorsement.NOMINATED
    assert nominated.registration_number.startswith("SW")


def test_worker_can_ask_their_manager(worker, leeds):
    c = services.request_endorsement(user=worker, level=Level.SUPERVISOR, organisation=leeds)
    assert c.endorsement == Candidate.Endorsement.REQUESTED
    assert c.standard.level == "supervisor"


def test_nomination_refused_for_someone_not_on_the_register(manager, leeds):
    stranger = make_user(Role.SOCIAL_WORKER, organisation=leeds)
    with pytest.raises(ServiceError, match="register"):
        services.nominate(manager=manager, user=stranger, level="practitioner", organisation=leeds)
    assert not Candidate.objects.exists()


def test_nomination_refused_for_a_worker_of_another_organisation(now, regulator, manager, leeds):
    other = LocalAuthorityFactory(name="Bradford")
    someone = make_user(Role.SOCIAL_WORKER, organisation=other)
    employ(register(someone, regulator), other)
    with pytest.raises(ServiceError, match="does not show"):
        services.nominate(manager=manager, user=someone, level="practitioner", organisation=leeds)


def test_nomination_refused_by_someone_who_is_not_a_manager_there(worker, leeds):
    outsider = make_user(Role.LINE_MANAGER)
    with pytest.raises(ServiceError, match="line manager"):
        services.nominate(manager=outsider, user=worker, level="practitioner", organisation=leeds)


def test_suspended_worker_is_not_eligible(worker, manager, leeds, regulator):
    entry = worker.register_entry
    case = register_services.open_case(
        entry=entry, by=regulator, concern="c", source="s", received_on=entry.registered_on
    )
    register_services.make_interim_order(
        case=case,
        by=regulator,
        kind="interim_suspension",
        starts_on=datetime.date.today(),
        review_on=datetime.date.today() + datetime.timedelta(days=30),
        expires_on=datetime.date.today() + datetime.timedelta(days=90),
        reason="Serious concern",
        conditions=[],
    )
    with pytest.raises(ServiceError, match="Suspended"):
        services.nominate(manager=manager, user=worker, level="practitioner", organisation=leeds)


def test_a_second_candidacy_at_the_same_level_is_refused(nominated, worker, leeds):
    with pytest.raises(ServiceError, match="already on the pathway"):
        services.request_endorsement(user=worker, level="practitioner", organisation=leeds)
    assert Candidate.objects.count() == 1


def test_endorsement_needs_every_domain_mapped(nominated, manager):
    services.save_mapping(candidate=nominated, by=manager, statements={"p1": "Direct work with a family"})
    with pytest.raises(ServiceError, match="every domain"):
        services.endorse(candidate=nominated, by=manager, reason="Good")
    nominated.refresh_from_db()
    assert nominated.stage == Candidate.Stage.ENDORSEMENT


def test_worker_and_manager_both_map_practice(nominated, manager, worker):
    services.save_mapping(candidate=nominated, by=worker, statements={"p1": "Mine"})
    services.save_mapping(candidate=nominated, by=manager, statements={"p2": "Manager's"})
    assert dict(nominated.mappings.values_list("domain_key", "statement")) == {"p1": "Mine", "p2": "Manager's"}


def test_mapping_refuses_an_unknown_domain_and_strangers(nominated, worker):
    with pytest.raises(ServiceError, match="not in this level"):
        services.save_mapping(candidate=nominated, by=worker, statements={"s1": "x"})
    with pytest.raises(ServiceError, match="Only the worker"):
        services.save_mapping(candidate=nominated, by=make_user(Role.LINE_MANAGER), statements={"p1": "x"})
    assert not nominated.mappings.exists()


def test_endorse_moves_to_knowledge_and_is_audited(endorsed, manager):
    assert endorsed.stage == Candidate.Stage.KNOWLEDGE
    assert endorsed.endorsement_decided_by == manager
    event = AuditEvent.objects.get(action="endorsed")
    assert event.actor == manager and event.reason == "Consistently strong practice."


def test_decline_needs_reasons_and_closes(nominated, manager):
    with pytest.raises(ServiceError, match="reasons"):
        services.decline(candidate=nominated, by=manager, reason="")
    c = services.decline(candidate=nominated, by=manager, reason="Needs more direct work first.")
    assert c.status == Candidate.Status.DECLINED
    with pytest.raises(ServiceError, match="already been decided"):
        services.endorse(candidate=c, by=manager, reason="Changed my mind")


def test_the_worker_cannot_endorse_themself(nominated, worker):
    map_all(nominated, worker)
    with pytest.raises(ServiceError, match="line manager"):
        services.endorse(candidate=nominated, by=worker, reason="I am great")


def test_endorsing_twice_gives_one_result(nominated, manager):
    map_all(nominated, manager)
    services.endorse(candidate=nominated, by=manager, reason="Yes")
    with pytest.raises(ServiceError, match="already been decided"):
        services.endorse(candidate=nominated, by=manager, reason="Yes again")
    assert AuditEvent.objects.filter(action="endorsed").count() == 1


def test_suspension_pauses_the_candidate_visibly_with_the_reason(endorsed, worker, regulator, bank):
    entry = worker.register_entry
    case = register_services.open_case(
        entry=entry, by=regulator, concern="c", source="s", received_on=entry.registered_on
    )
    register_services.make_interim_order(
        case=case,
        by=regulator,
        kind="interim_suspension",
        starts_on=datetime.date.today(),
        review_on=datetime.date.today() + datetime.timedelta(days=30),
        expires_on=datetime.date.today() + datetime.timedelta(days=90),
        reason="Interim suspension pending hearing",
        conditions=[],
    )
    level = next(x for x in pathway_for(worker) if x["level"] == "practitioner")
    assert level["stages"][1]["state"] == "Paused"
    assert "Suspended" in level["next"]
    with pytest.raises(ServiceError, match="paused"):
        services.start_attempt(candidate=endorsed, by=worker)


def test_removal_pauses_too(endorsed, worker, regulator):
    register_services.remove_voluntarily(entry=worker.register_entry, by=regulator, reason="Retiring")
    level = next(x for x in pathway_for(worker) if x["level"] == "practitioner")
    assert level["stages"][1]["state"] == "Paused"
    assert "Retiring" in level["next"]


def test_settings_change_is_audited_and_guarded(regulator):
    s = services.update_settings(level="leader", by=regulator, reason="Longer test", minutes=75)
    assert s.minutes == 75
    with pytest.raises(ServiceError, match="Pass mark"):
        services.update_settings(level="leader", by=regulator, reason="x", pass_mark_percent=0)
    with pytest.raises(ServiceError, match="why"):
        services.update_settings(level="leader", by=regulator, reason="", minutes=10)


def test_levels_read_as_words_in_pathway_order():
    from django.template import Context, Template

    rendered = Template("{% load certification %}{{ levels|level_labels }}").render(
        Context({"levels": ["supervisor", "practitioner"]})
    )
    assert rendered == "Approved Child and Family Practitioner, Practice Supervisor"
