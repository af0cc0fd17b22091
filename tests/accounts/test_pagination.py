"""Pages read by their ids first (``accounts.pagination``) are exactly Django's pages, row for row, in a fixed
number of queries, and the page's own rows come with their joins."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from accounts.pagination import IdsFirstPaginator, first_rows
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def memberships():
    # Several people share a surname, so the order needs its last column (id) to be total.
    for n in range(23):
        make_user("social_worker", with_mfa=False, last_name=("Ahmed", "Brown", "Clarke")[n % 3])
    return Membership.objects.select_related("user", "organisation").order_by("user__last_name", "-id")


@pytest.mark.parametrize("per_page,orphans", [(5, 0), (5, 2), (7, 3), (23, 0), (50, 0)])
def test_every_page_is_the_page_django_gives(memberships, per_page, orphans):
    ours, django = IdsFirstPaginator(memberships, per_page, orphans), Paginator(memberships, per_page, orphans)
    assert ours.count == django.count == 23
    assert ours.num_pages == django.num_pages
    for number in ("1", "2", str(django.num_pages), "0", "99", "x"):  # get_page gives the last or first for these
        page, expected = ours.get_page(number), django.get_page(number)
        assert [m.pk for m in page] == [m.pk for m in expected]
        assert (page.number, page.has_next(), page.has_previous()) == (
            expected.number,
            expected.has_next(),
            expected.has_previous(),
        )
        assert (page.start_index(), page.end_index()) == (expected.start_index(), expected.end_index())


def test_a_page_costs_three_queries_and_its_rows_come_with_their_joins(memberships):
    paginator = IdsFirstPaginator(memberships, 5)
    with CaptureQueriesContext(connection) as queries:
        page = paginator.get_page(2)
        names = [(m.user.last_name, m.organisation.name) for m in page]  # joined: no query per row
    assert len(names) == 5
    assert len(queries.captured_queries) == 3  # the count, the page's ids, the page's rows
    # The sort reads ids only: the page's rows (with their people) are read by id, not sorted.
    ids_query, rows_query = (q["sql"] for q in queries.captured_queries[1:])
    assert "ORDER BY" in ids_query and "accounts_organisation" not in ids_query.split(" FROM ")[0]
    assert "ORDER BY" not in rows_query and "accounts_organisation" in rows_query


def test_first_rows_are_the_querysets_first_rows_in_order(memberships):
    assert [m.pk for m in first_rows(memberships, 4)] == [m.pk for m in memberships[:4]]
    assert first_rows(memberships.none(), 4) == []
