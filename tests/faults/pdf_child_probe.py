"""Loaded by the certificate test's worker (``celery worker -I``): notes each PDF child process the worker starts
in the folder PDF_CHILD_PROBE_DIR names, with the starting process and whether it is daemonic, so the test sees
where the batch's WeasyPrint ran."""

import json
import os
from pathlib import Path

from billiard.process import current_process

from accounts import pdf

_real = pdf._child_command


def _noted(requests_file: Path) -> list[str]:
    folder = Path(os.environ["PDF_CHILD_PROBE_DIR"])
    note = {
        "pid": os.getpid(),
        "daemonic": bool(current_process().daemon),
        "requests": len(requests_file.read_text(encoding="utf-8").splitlines()),
    }
    (folder / f"{requests_file.parent.name}.json").write_text(json.dumps(note), encoding="utf-8")
    return _real(requests_file)


pdf._child_command = _noted
