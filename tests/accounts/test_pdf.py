import pytest
from django.template import engines

from accounts import pdf


def test_pdf_renders_our_template(tmp_path, settings):
    settings.TEMPLATES[0]["DIRS"].append(tmp_path)
    (tmp_path / "sample.html").write_text("<h1>Certificate for {{ name }}</h1>")
    engines._engines = {}
    engines.__dict__.pop("templates", None)
    data = pdf.render_pdf("sample.html", {"name": "Sam"})
    assert data.startswith(b"%PDF")
    # Every PDF the service makes (reports, certificates) is tagged for screen readers.
    import io

    from pypdf import PdfReader

    root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://example.com/a.css", "https://x/y.png"])
def test_pdf_fetcher_refuses_anything_but_static(url):
    with pytest.raises(pdf.RefusedResource):
        pdf.static_only_fetcher().fetch(url)


def test_pdf_fetcher_serves_our_static_files():
    result = pdf.static_only_fetcher().fetch("static:/css/app.css")
    assert b"app-progress" in result.read()
    assert result.content_type == "text/css"


def test_a_pdf_made_in_a_child_process_is_the_same_bytes_and_reaches_our_static_files(monkeypatch):
    """The child (accounts.pdf_child) sets Django up only when a PDF asks for a static file: this one does."""
    html = (
        '<html lang="en-GB"><head><title>Sample</title><meta name="dcterms.created" content="2027-03-02T10:00:00Z">'
        '<meta name="dcterms.modified" content="2027-03-02T10:00:00Z"></head>'
        '<body><h1>Certificate</h1><img src="static:/govuk/assets/images/govuk-icon-180.png" alt="Crown"></body></html>'
    )
    fetched = []
    real = pdf._static_response
    monkeypatch.setattr(pdf, "_static_response", lambda url: fetched.append(url) or real(url))
    request = pdf.PdfRequest(html=html)
    here = pdf.write_pdf(request)
    assert fetched == ["static:/govuk/assets/images/govuk-icon-180.png"]
    assert here != pdf.write_pdf(pdf.PdfRequest(html=html.replace("static:/", "static:/missing/")))  # it shows
    assert list(pdf.render_in_children([request, request, request], chunk_size=2)) == [here, here, here]


ORPHANED = """
import os, signal, sys
import django
django.setup()
from accounts import pdf
started = pdf.subprocess.Popen


def noted(*args, **kwargs):
    child = started(*args, **kwargs)
    print(child.pid, flush=True)
    return child


pdf.subprocess.Popen = noted
made = pdf.render_in_children([pdf.PdfRequest(html=f"<p>{n}</p>") for n in range(1000)], chunk_size=1000)
next(made)
os.kill(os.getpid(), signal.SIGKILL)  # a worker killed mid-chunk
"""


def test_a_pdf_child_whose_parent_is_killed_stops_by_itself():
    """Its parent gone (a worker killed by the OOM killer, or kill -9 of the pool process alone), the child does not
    go on making the rest of its chunk for nobody."""
    import os
    import subprocess  # nosec B404 # a Python process of our own, to be killed
    import sys
    import time

    from django.conf import settings

    parent = subprocess.run(  # nosec B603 # this interpreter, fixed code
        [sys.executable, "-c", ORPHANED], cwd=settings.BASE_DIR, capture_output=True, text=True, check=False
    )
    assert parent.returncode == -9, parent.stderr
    child = int(parent.stdout.split()[0])
    # A thousand PDFs would take the child half a minute or more; stopping at its next one takes a second or two.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{child}/stat") as stat:
                if stat.read().rpartition(")")[2].split()[0] == "Z":
                    return  # exited, waiting for whoever adopted it to reap it
        except FileNotFoundError:
            return
        time.sleep(0.1)
    os.kill(child, 9)
    raise AssertionError("The PDF child went on after its parent was killed.")
