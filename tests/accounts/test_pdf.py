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
