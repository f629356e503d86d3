"""A build killed at any moment, then run again, gives exactly what a clean build gives."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.build


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copy(ROOT / "conf.py", dest / "conf.py")
    shutil.copytree(
        ROOT / "source", dest / "source", ignore=shutil.ignore_patterns("_collection", ".*")
    )
    return dest


def build_command() -> list[str]:
    return [sys.executable, "-m", "build_tools", "build", "--variant", "zh-Hans", "--no-progress"]


def site_digest(project: Path) -> dict[str, str]:
    """Checksums of everything a reader gets: the site and the EPUBs. The search bundle is
    stood for by the records it is made from: Pagefind writes a filter's values in hash-map
    order, so two runs on the same records differ in bytes, never in what they find."""
    site, doctrees = project / "_build" / "site", project / "_build" / "doctrees"
    files = [p for p in site.rglob("*") if p.is_file() and "pagefind" not in p.parts]
    files += doctrees.glob("*/pagefind-records/**/*.html")
    return {
        str(p.relative_to(project)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(files)
    }


def test_killed_build_recovers(tmp_path: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    clean = copy_project(tmp_path / "clean")
    started = time.monotonic()
    subprocess.run(build_command(), cwd=clean, env=env, check=True, capture_output=True)
    duration = time.monotonic() - started
    expected = site_digest(clean)

    killed = copy_project(tmp_path / "killed")
    # Seeded, so a failure can be replayed; the moments cover reading, writing and packaging.
    moments = random.Random(8).sample([0.15, 0.3, 0.45, 0.6, 0.75, 0.9], 3)
    for moment in moments:
        process = subprocess.Popen(
            build_command(),
            cwd=killed,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # so the Sphinx child dies with it
        )
        time.sleep(duration * moment)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    subprocess.run(build_command(), cwd=killed, env=env, check=True, capture_output=True)
    assert site_digest(killed) == expected


def _edit(speech: Path) -> None:
    """A new title, a new section and a paragraph with a word no other speech has."""
    text = speech.read_text(encoding="utf-8")
    title = text.split("title: ", 1)[1].split("\n", 1)[0]
    text = text.replace(f"title: {title}", "title: 改过的标题", 1).replace(
        f"# {title}", "# 改过的标题", 1
    )
    text += "\n## 编者补记\n\n编者按：此段为增量构建而加，含独有词语鹦鹉螺号。\n"
    speech.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("delete", [False, True], ids=["edit", "edit-and-delete"])
def test_rebuild_after_edits_equals_clean_build(tmp_path: Path, delete: bool) -> None:
    """One speech edited (title, a section, a paragraph), and maybe one deleted: the
    incremental rebuild (search index, general index, parts, EPUBs) gives what a clean build
    of the edited sources gives."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    project = copy_project(tmp_path / "incremental")
    subprocess.run(build_command(), cwd=project, env=env, check=True, capture_output=True)
    speeches = sorted((project / "source" / "speeches").glob("*.md"))
    _edit(speeches[0])
    if delete:
        speeches[-1].unlink()
    subprocess.run(build_command(), cwd=project, env=env, check=True, capture_output=True)

    clean = tmp_path / "clean"
    shutil.copytree(
        project / "source", clean / "source", ignore=shutil.ignore_patterns("_collection", ".*")
    )
    shutil.copy(project / "conf.py", clean / "conf.py")
    subprocess.run(build_command(), cwd=clean, env=env, check=True, capture_output=True)
    assert site_digest(project) == site_digest(clean)
    site = project / "_build" / "site" / "zh-Hans"
    records = project / "_build" / "doctrees" / "zh-Hans" / "pagefind-records"
    edited = (records / f"speeches/{speeches[0].stem}.html").read_text("utf-8")
    assert "鹦 鹉 螺 号" in edited and "title:改过的标题" in edited
    gone = f"speeches/{speeches[-1].stem}"
    assert (records / f"{gone}.html").exists() != delete
    assert (site / f"{gone}.html").exists() != delete
