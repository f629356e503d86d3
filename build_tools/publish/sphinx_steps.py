"""Several sphinx-build command lines in one Python process, one after the other.

    python -m build_tools.publish.sphinx_steps '[["html", [...]], ["epub", [...]]]'

An edition's HTML and EPUB builds share one interpreter, so Sphinx, docutils, MyST, the theme
and our extension are imported once, not once per builder (about 0.8 s of a rebuild). Each
step is bracketed by a ``@@book-step <name>`` and a ``@@book-end <name> <exit code>`` line on
stdout, which ``build._run_steps`` reads to give each step its own log, time and exit code.
The steps stop at the first that fails.
"""

from __future__ import annotations

import gc
import json
import sys

STEP, END = "@@book-step", "@@book-end"


def main(argv: list[str]) -> int:
    from sphinx.cmd.build import build_main

    for number, (name, args) in enumerate(json.loads(argv[0])):
        if number:
            gc.collect()  # the last builder's application and environment, before the next
        print(f"{STEP} {name}", flush=True)
        code = build_main(args)
        sys.stderr.flush()
        print(f"{END} {name} {code}", flush=True)
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
