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
