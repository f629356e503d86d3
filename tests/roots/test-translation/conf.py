"""A one-speech book whose speech carries the English of its bilingual source: the project's
conf.py, read as is, plus the test's own settings."""

import runpy
from pathlib import Path

import build_tools

_top = runpy.run_path(str(Path(build_tools.__file__).resolve().parents[1] / "conf.py"))
globals().update({k: v for k, v in _top.items() if not k.startswith("_")})

book_editions = "zh-Hans,zh-Hant"
nitpicky = True
