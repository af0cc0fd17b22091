"""``accounts.pdf_child`` as the certificate benchmark runs it: the same child, which also notes its own peak memory
(``ru_maxrss``, kilobytes) in the file BENCH_CHILD_PEAKS names when it exits. The worker's ``RUSAGE_CHILDREN`` would
not do: it also counts helpers forked while WeasyPrint is imported (its library lookup), which are not PDF children.
"""

import atexit
import os
import resource
import runpy
import sys


def _note_peak() -> None:
    with open(os.environ["BENCH_CHILD_PEAKS"], "a", encoding="utf-8") as out:
        out.write(f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\n")


atexit.register(_note_peak)
sys.path.insert(0, os.getcwd())  # the project (the child starts there), as ``python -m`` would have it
sys.argv = ["accounts.pdf_child", *sys.argv[1:]]
runpy.run_module("accounts.pdf_child", run_name="__main__", alter_sys=True)
