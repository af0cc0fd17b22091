import pytest
from django.conf import settings

PUBLISHED = settings.SHARED_DATA_DIR / "csww_indicators_2017_to_2024.csv"
NEIGHBOURS = settings.SHARED_DATA_DIR / "statistical_neighbours_2021.csv"


@pytest.fixture
def councils(db):
    """Every region and council in the published file, as `seed_demo` makes them."""
    from accounts.reference_data import load_local_authorities

    load_local_authorities(PUBLISHED)


@pytest.fixture
def published(councils):
    from workforce.reference import import_published_statistics, import_statistical_neighbours

    import_published_statistics(PUBLISHED)
    import_statistical_neighbours(NEIGHBOURS)
