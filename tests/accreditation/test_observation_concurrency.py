"""Two candidates booking the last place on a session at the same moment: one gets it (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection, connections

from accounts.services import ServiceError
from accreditation import services
from accreditation.models import Booking

from .conftest import employ, map_all
from .observation_helpers import assessor, at_observation, session

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)")
def test_two_people_booking_the_last_place_at_once_get_one_place(endorsed, leeds, manager, regulator):
    from tests.factories import make_user
    from tests.regulation.conftest import register

    first = at_observation(endorsed)
    user = make_user("social_worker", organisation=leeds, email="second@example.com")
    employ(register(user, regulator), leeds)
    second = services.nominate(manager=manager, user=user, level="practitioner", organisation=leeds)
    map_all(second, manager)
    services.endorse(candidate=second, by=manager, reason="Ready")
    second = at_observation(second)
    s = session(regulator, assessor("alex@centre.example"), capacity=1)
    barrier = threading.Barrier(2)
    results = []

    def book(candidate):
        try:
            barrier.wait()
            services.book_session(candidate=candidate, session=s, by=candidate.user)
            results.append("booked")
        except ServiceError as exc:
            results.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["That session is full. Choose another.", "booked"]
    assert Booking.objects.filter(session=s, status="booked").count() == 1
