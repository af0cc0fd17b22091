"""The child process ``accounts.pdf.render_in_children`` starts for a chunk of PDFs: WeasyPrint's memory, which it
never gives back, goes when this exits.

    python -m accounts.pdf_child REQUESTS_FILE

Reads one ``PdfRequest`` a line (JSON) and writes, for each in order, ``PDF <size>\\n`` and the PDF's bytes to
stdout; if one cannot be made, ``ERROR <json message>\\n`` and exit code 1. Nothing else may reach stdout, so
anything printed (logging, warnings) goes to stderr.
"""

import json
import os
import sys


def main(path: str) -> int:
    frames = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints go to stderr, not into the PDFs
    parent = os.getppid()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # No django.setup() here: loading every app's models would add about 50 MB to every child, and the HTML comes
    # rendered. The fetcher sets Django up itself the first time a PDF asks for one of our static files.
    from accounts.pdf import PdfRequest, write_pdf

    with open(path, encoding="utf-8") as requests:
        for number, line in enumerate(requests):
            if os.getppid() != parent:
                return 2  # the worker that asked is gone (killed): nobody will read the rest
            try:
                content = write_pdf(PdfRequest.from_json(line))
            except Exception as exc:  # reported to the parent, which fails the job with it
                message = f"PDF {number + 1} of the chunk could not be made: {type(exc).__name__}: {exc}"
                print(message, file=sys.stderr)
                frames.write(b"ERROR " + json.dumps(message).encode() + b"\n")
                frames.flush()
                return 1
            frames.write(b"PDF %d\n" % len(content))
            frames.write(content)
            frames.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
