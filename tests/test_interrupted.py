"""A build killed at any moment, then run again, gives exactly what a clean build gives."""

from __future__ import annotations

import hashlib
import json
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
    """Checksums of everything a reader gets: the site and the EPUBs."""
    site = project / "_build" / "site"
    return {
        str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
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


def test_rebuild_after_edits_equals_clean_build(tmp_path: Path) -> None:
    """One speech edited, one deleted: the incremental rebuild (search index, general index,
    parts, EPUBs) gives what a clean build of the edited sources gives."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    project = copy_project(tmp_path / "incremental")
    subprocess.run(build_command(), cwd=project, env=env, check=True, capture_output=True)
    speeches = sorted((project / "source" / "speeches").glob("*.md"))
    with speeches[0].open("a", encoding="utf-8") as f:
        f.write("\n编者按：此段为增量构建而加，含独有词语鹦鹉螺号。\n")
    speeches[-1].unlink()
    subprocess.run(build_command(), cwd=project, env=env, check=True, capture_output=True)

    clean = tmp_path / "clean"
    shutil.copytree(
        project / "source", clean / "source", ignore=shutil.ignore_patterns("_collection", ".*")
    )
    shutil.copy(project / "conf.py", clean / "conf.py")
    subprocess.run(build_command(), cwd=clean, env=env, check=True, capture_output=True)
    assert site_digest(project) == site_digest(clean)
    index = (project / "_build" / "site" / "zh-Hans" / "searchindex.js").read_text("utf-8")
    data = json.loads(index[index.index("(") + 1 : index.rindex(")")])
    assert data["terms"]["鹦鹉"] == data["docnames"].index(f"speeches/{speeches[0].stem}")
    assert f"speeches/{speeches[-1].stem}" not in data["docnames"]
    assert not (
        project / "_build" / "site" / "zh-Hans" / "speeches" / f"{speeches[-1].stem}.html"
    ).exists()
