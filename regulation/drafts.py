"""An application being written: the answers kept in the session and the evidence in private storage until the
applicant has checked them and sends them ("Check your answers")."""

from __future__ import annotations

import uuid

from django.core.files import File
from django.core.files.storage import default_storage
from django.http import QueryDict

KEY = "register_application_draft"
FOLDER = "register/drafts"
NOT_KEPT = {"csrfmiddlewaretoken", "declared"}


def get(request) -> dict | None:
    return request.session.get(KEY)


def answers(draft: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, values in draft["data"].items():
        data.setlist(name, values)
    return data


def file_names(draft: dict | None) -> dict:
    return {name: info["name"] for name, info in (draft or {}).get("files", {}).items()}


def save(request, form) -> None:
    """Keep the answers as posted and any newly uploaded evidence (replacing what was sent before)."""
    old = get(request) or {}
    files = dict(old.get("files", {}))
    for name in form.EVIDENCE:
        upload = form.cleaned_data.get(name)
        if not upload:
            continue
        if name in files:
            default_storage.delete(files[name]["path"])
        upload.seek(0)
        path = default_storage.save(f"{FOLDER}/{request.user.pk}/{uuid.uuid4().hex}", upload)
        files[name] = {"path": path, "name": upload.name[:255]}
    data = {name: values for name, values in request.POST.lists() if name not in NOT_KEPT}
    request.session[KEY] = {"data": data, "files": files}


def open_files(draft: dict) -> dict:
    """The evidence kept for the draft, as files the service can check and store (opened for reading)."""
    opened = {}
    for name, info in draft.get("files", {}).items():
        if default_storage.exists(info["path"]):
            opened[name] = File(default_storage.open(info["path"], "rb"), name=info["name"])
    return opened


def discard(request) -> None:
    draft = request.session.pop(KEY, None)
    for info in (draft or {}).get("files", {}).values():
        default_storage.delete(info["path"])
