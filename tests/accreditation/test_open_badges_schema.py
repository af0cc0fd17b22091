"""Our credentials and issuer profile against 1EdTech's Open Badges 3.0 JSON schemas (AchievementCredential, Profile),
checked by the ``jsonschema`` library. The schemas are fetched, pinned by SHA-256, by ``make test``
(``scripts/fetch_ob_schemas.py``).

One known difference, kept on purpose and asserted exactly so that any other would fail: the schema types
``credentialStatus`` as one object (OB 3.0 predates VC 2.0's lists of statuses), while each credential carries two
Bitstring Status List entries, revocation and suspension, as VC 2.0 §4.10 allows. Each entry on its own satisfies
the schema's ``CredentialStatus``.
"""

import json
import os
from pathlib import Path

import pytest
from jsonschema import Draft201909Validator

from accreditation.services import credentials

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parents[2] / "var" / "ob-schemas"


def _validator(name: str) -> Draft201909Validator:
    path = SCHEMAS / name
    if not path.is_file():
        reason = "the Open Badges schemas are not fetched (make test runs scripts/fetch_ob_schemas.py)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must validate against the schemas, but {reason}.")
        pytest.skip(reason)
    schema = json.loads(path.read_text())
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


def _errors(validator, document) -> list[tuple[list, str]]:
    return [(list(e.absolute_path), e.message) for e in validator.iter_errors(document)]


@pytest.fixture
def credential(accreditation):
    return json.loads(json.dumps(accreditation.credential))


def test_the_credential_is_an_achievement_credential_but_for_its_two_statuses(credential):
    validator = _validator("ob_v3p0_achievementcredential_schema.json")
    errors = _errors(validator, credential)
    assert [path for path, _ in errors] == [["credentialStatus"]], errors
    for entry in credential["credentialStatus"]:
        assert _errors(validator, {**credential, "credentialStatus": entry}) == []


def test_the_schema_would_catch_a_broken_credential(credential):
    """The check can fail: the same validator refuses what OB 3.0 forbids."""
    validator = _validator("ob_v3p0_achievementcredential_schema.json")
    single = {**credential, "credentialStatus": credential["credentialStatus"][0]}
    for broken in (
        {k: v for k, v in single.items() if k != "validFrom"},
        {**single, "type": ["VerifiableCredential"]},
        {**single, "@context": ["https://www.w3.org/ns/credentials/v2"]},
        {**single, "validFrom": "6 December 2026"},
        {**single, "credentialSubject": {**single["credentialSubject"], "achievement": {"name": "x"}}},
    ):
        assert _errors(validator, broken), broken


def test_the_issuer_profile_is_a_profile():
    validator = _validator("ob_v3p0_profile_schema.json")
    assert _errors(validator, credentials.issuer_profile()) == []
    assert _errors(validator, {"name": "No id or type"})
