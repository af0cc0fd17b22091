"""Fetch 1EdTech's Open Badges 3.0 JSON schemas, which the tests validate our credentials against.

1EdTech publishes them at https://purl.imsglobal.org/spec/ob/v3p0/schema/json/; CI reaches only package registries,
so they come from the one package there that carries verbatim copies: the source release of ``openbadgeslib`` 4.6.3
on PyPI (``tests/fixtures/ob_schemas/``, fetched from 1EdTech on 2026-07-04 by its authors). The release and each
schema are pinned by SHA-256, so a changed copy is refused rather than trusted. Run by ``make test``.
"""

from __future__ import annotations

import hashlib
import subprocess  # nosec B404 # runs this interpreter's pip with fixed arguments, no shell
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "var" / "ob-schemas"
RELEASE = "openbadgeslib==4.6.3"
RELEASE_SHA256 = "aec21bf41b223ae3fcd196aa92972e3d3a6b12048f4929b2ceedd5fc54ea1eaf"
INSIDE = "openbadgeslib-4.6.3/tests/fixtures/ob_schemas/"
SCHEMAS = {
    "ob_v3p0_achievementcredential_schema.json": "b7358e895f492e74055dc6bfc7ffc420d0e497f90c4579fb83d9519b86d393ea",
    "ob_v3p0_profile_schema.json": "6b268f2caa591bf657e2a290e195713c41dc2db4e1c797723cfd00a1a83f8f13",
}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _have_them() -> bool:
    return all(
        (TARGET / name).is_file() and _sha256((TARGET / name).read_bytes()) == digest
        for name, digest in SCHEMAS.items()
    )


def main() -> int:
    if _have_them():
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(  # nosec B603 # fixed argument list: one pinned release, no shell
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--no-binary",
                ":all:",
                RELEASE,
                "-d",
                scratch,
            ],
            check=True,
        )
        [release] = Path(scratch).glob("openbadgeslib-*.tar.gz")
        if _sha256(release.read_bytes()) != RELEASE_SHA256:
            print(f"{release.name} is not the release pinned here (SHA-256 differs): refusing it.", file=sys.stderr)
            return 1
        TARGET.mkdir(parents=True, exist_ok=True)
        with tarfile.open(release) as archive:
            for name, digest in SCHEMAS.items():
                member = archive.getmember(INSIDE + name)
                if not member.isfile() or member.size > 1_000_000:
                    print(f"{name} in {release.name} is not a schema file.", file=sys.stderr)
                    return 1
                data = archive.extractfile(member).read()
                if _sha256(data) != digest:
                    print(f"{name} is not the copy pinned here (SHA-256 differs): refusing it.", file=sys.stderr)
                    return 1
                (TARGET / name).write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
