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
