"""A migration that would lock a large table, or break the code still running beside it, fails the tests.

django-migration-linter reads the SQL each new migration would run and refuses, among others: a NOT NULL column
added without a default, a column or table renamed or dropped, a column made NOT NULL, an ALTER of a column's type.
Migrations up to ``BASELINE`` are history (already applied everywhere) and are not linted; everything after it is.
When a refused change is really needed, split it (docs/operations.md, "Migrations without downtime") or, for a
table known to be small, mark that one migration with ``django_migration_linter.IgnoreMigration()`` and say why.
"""

import sys
import textwrap

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_migration_linter import MigrationLinter

# The last migration of each app when the linter was introduced. Do not move this forward: new migrations are
# linted for as long as they exist.
BASELINE = {
    "accounts": "0003_notifications",
    "accreditation": "0005_credential_status_and_keys",
    "regulation": "0010_transferred_ids",
    "training": "0005_final_assessment_by_standard",
    "workforce": "0001_initial",
}


# The linter only warns of these (PostgreSQL): each holds a lock on the whole table while it builds or drops an
# index. Here they fail: build and drop indexes CONCURRENTLY (AddIndexConcurrently, in a non-atomic migration).
LOCKING_WARNINGS = ["CREATE_INDEX", "CREATE_INDEX_EXCLUSIVE", "DROP_INDEX"]


def local_apps() -> list[str]:
    base = str(settings.BASE_DIR)
    return [c.label for c in apps.get_app_configs() if c.path.startswith(base) and ".venv" not in c.path]


def new_migrations(baseline: dict[str, str]) -> list[tuple[str, str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    history = set()
    for app_label, name in baseline.items():
        history.update(loader.graph.forwards_plan((app_label, name)))
    labels = set(local_apps()) | set(baseline)
    return sorted(key for key in loader.disk_migrations if key[0] in labels and key not in history)


def lint(migrations: list[tuple[str, str]], tmp_path) -> MigrationLinter:
    listing = tmp_path / "migrations.txt"
    listing.write_text("".join(f"{app}/migrations/{name}.py\n" for app, name in migrations))
    linter = MigrationLinter(
        str(settings.BASE_DIR), no_cache=True, no_output=True, warnings_as_errors_tests=LOCKING_WARNINGS
    )
    if migrations:
        linter.lint_all_migrations(migrations_file_path=str(listing))
    return linter


def test_the_baseline_names_real_migrations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for key in BASELINE.items():
        assert key in loader.disk_migrations, f"{key} is not a migration: the baseline must name history"


@pytest.mark.django_db(transaction=True)
def test_every_migration_after_the_baseline_is_safe_to_run_on_a_live_database(tmp_path):
    if connection.vendor != "postgresql":
        # The linter reads the SQL this database would run. SQLite adds most columns by copying the whole table,
        # which the linter refuses although production (PostgreSQL) adds them in place; CI's PostgreSQL run lints.
        pytest.skip("linted against PostgreSQL's SQL, as production runs it")
    linter = lint(new_migrations(BASELINE), tmp_path)
    assert not linter.has_errors, (
        f"{linter.nb_erroneous} migration(s) would lock a table or break running code; run "
        "`.venv/bin/pytest tests/test_migration_safety.py -s` to see which, and docs/operations.md for the fix"
    )


# --- The check itself refuses what it should: a throwaway app with one bad migration each ---------------------------

INITIAL = """
from django.db import migrations, models

class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Thing",
            fields=[("id", models.AutoField(primary_key=True)), ("title", models.CharField(max_length=20))],
        ),
    ]
"""

BAD = {
    "not_null_without_default": 'migrations.AddField("thing", "size", models.IntegerField())',
    "rename_column": 'migrations.RenameField("thing", "title", "name")',
    "drop_column": 'migrations.RemoveField("thing", "title")',
}
GOOD = {
    "nullable_column": 'migrations.AddField("thing", "size", models.IntegerField(null=True))',
    "new_table": 'migrations.CreateModel("Other", [("id", models.AutoField(primary_key=True))])',
}


@pytest.fixture
def probe_app(tmp_path, settings):
    """Makes a package ``lintprobe`` with 0001_initial and a second migration given as one operation."""
    made = []

    def make(operation: str) -> None:
        package = tmp_path / "lintprobe"
        (package / "migrations").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "models.py").write_text("")
        (package / "migrations" / "__init__.py").write_text("")
        (package / "migrations" / "0001_initial.py").write_text(textwrap.dedent(INITIAL))
        (package / "migrations" / "0002_change.py").write_text(
            "from django.db import migrations, models\n\n"
            "class Migration(migrations.Migration):\n"
            '    dependencies = [("lintprobe", "0001_initial")]\n'
            f"    operations = [{operation}]\n"
        )
        sys.path.insert(0, str(tmp_path))
        made.append(str(tmp_path))
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "lintprobe"]

    yield make
    for path in made:
        sys.path.remove(path)
    for name in [m for m in sys.modules if m == "lintprobe" or m.startswith("lintprobe.")]:
        del sys.modules[name]


def probe_migrations() -> list[tuple[str, str]]:
    """The probe's own new migration: the service's real ones after the baseline are linted by the test above."""
    return [key for key in new_migrations({**BASELINE, "lintprobe": "0001_initial"}) if key[0] == "lintprobe"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", sorted(BAD))
def test_a_locking_or_breaking_migration_is_refused(probe_app, tmp_path, change):
    probe_app(BAD[change])
    found = probe_migrations()
    assert found == [("lintprobe", "0002_change")]
    assert lint(found, tmp_path).has_errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", sorted(GOOD))
def test_an_additive_migration_passes(probe_app, tmp_path, change):
    probe_app(GOOD[change])
    found = probe_migrations()
    assert found == [("lintprobe", "0002_change")]
    assert not lint(found, tmp_path).has_errors
