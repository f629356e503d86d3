"""Hostile and broken inputs imported and built together with good speeches: each bad file is
named with its reason, the rest of the book builds, and nothing in a speech is executed."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.build

PAYLOAD = """注入测试讲话
```{include} /etc/passwd
```
```{eval-rst}
.. raw:: html

   <script>alert(1)</script>
```
```{raw} html
<script>alert(2)</script>
```
<script>alert(3)</script><img src=x onerror=alert(4)><iframe src="javascript:alert(5)"></iframe>
[点我](javascript:alert(6)) {{ config.__class__ }} $$ x^2 $$
---
(evil-label)=
{sub-ref}`today` |substitution| *强调* _下划线_ `代码` # 井号
> 引用 - 列表 1. 编号 :::{note} 注意 ::: 正文到此结束。
"""
TRICKY_TITLE = '标题: "引号" #井号 &anchor !!python/object:os.system'


def _zip(members: dict[str, bytes], *, level: int | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


GOOD_MEMBER = "档案里的讲话\n同志们：这是一篇放在压缩包里的讲话。内容完整。\n".encode()
#: archive → (bytes, {member shown after ``raw/<archive>!/``: the reason, or None for "a page"})
ARCHIVES: dict[str, tuple[bytes, dict[str, str | None]]] = {
    "traversal.zip": (
        _zip({"../escape.txt": GOOD_MEMBER, "/etc/abs.txt": GOOD_MEMBER, "ok.txt": GOOD_MEMBER}),
        {
            "../escape.txt": "would land outside the archive",
            "/etc/abs.txt": "would land outside the archive",
            "ok.txt": None,
        },
    ),
    "nested.zip": (
        _zip({"inner.zip": _zip({"a.txt": GOOD_MEMBER})}),
        {"inner.zip": "is itself an archive (ZIP)"},
    ),
}
#: A zip bomb in small: one member that expands a thousand times; refused whole, naming it.
BOMB = (
    "bomb.zip",
    _zip({"zeros.txt": b"0" * 20_000_000}, level=9),
    "the member 'zeros.txt' expands more than 200 times",
)


#: file name → (bytes, the reason the import must give, or None for "becomes a page")
INPUTS: dict[str, tuple[bytes, str | None]] = {
    "empty.txt": (b"", "the file is empty; there is nothing to import"),
    "blank.txt": ("  \n\u3000\n\t\n".encode(), "the file holds only whitespace"),
    "title-only.txt": ("只有标题\n".encode(), "the file holds only a title (只有标题)"),
    "image.png": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "this is a PNG image"),
    "archive.txt": (b"PK\x03\x04" + bytes(64), "not a readable ZIP archive"),
    BOMB[0]: (BOMB[1], BOMB[2]),
    "nul.txt": ("标题\n正文\x00在这里。".encode(), "the file contains NUL bytes"),
    "bad-utf8.txt": (
        "无效编码\n".encode()
        + "好的文字。".encode() * 50
        + b"\xff\xfe\xfa"
        + "后面。".encode() * 50,
        "cannot tell the encoding",
    ),
    "-dash 'quoted' 名字 ...txt": (
        "文件名测试\n这是一篇正常的讲话。内容很短但完整。\n".encode(),
        None,
    ),
    "inject.txt": (PAYLOAD.encode(), None),
    "meta.csv": (
        (
            "title,date,speaker,full_text,extra\n"
            f'"{TRICKY_TITLE.replace(chr(34), 2 * chr(34))}",2020-01-02,"演讲者\n换行",'
            '"这是正文。第二句话也在这里。",多余的列\n'
        ).encode(),
        None,
    ),
}


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    project = tmp_path_factory.mktemp("hostile")
    shutil.copy(ROOT / "conf.py", project)
    (project / "source").mkdir()
    shutil.copy(ROOT / "source" / "index.md", project / "source")
    shutil.copytree(ROOT / "source" / "_data", project / "source" / "_data")
    raw = project / "raw"
    raw.mkdir()
    for good in ("鲁迅-读书杂谈.txt", "劳动局创先争优动员讲话稿.txt"):
        shutil.copy(ROOT / "raw" / "speeches" / good, raw)
    for name, (data, _) in INPUTS.items():
        (raw / name).write_bytes(data)
    for name, (data, _) in ARCHIVES.items():
        (raw / name).write_bytes(data)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in raw.iterdir()}
    outside = {p for p in project.parent.rglob("*") if not p.is_relative_to(project)}

    def book(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "build_tools", *args],
            cwd=project, capture_output=True, text=True, check=False,
        )  # fmt: skip

    # the steps `make` runs: import, build, then the skipped inputs listed at the end
    imported = book("import", "--no-progress")
    assert imported.returncode == 0, imported.stdout + imported.stderr  # not strict: carry on
    built = book("build", "--strict", "--no-progress")
    assert built.returncode == 0, built.stdout + built.stderr
    listed = book("import", "--skipped")
    assert listed.returncode == 0 and listed.stdout.startswith("import skipped "), listed.stdout
    assert book("import", "--skipped", "--strict").returncode == 3
    assert book("import", "--no-progress", "--strict").returncode == 3
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in raw.iterdir()}
    assert after == before, "raw inputs were modified"
    assert {p for p in project.parent.rglob("*") if not p.is_relative_to(project)} == outside
    assert not list(project.rglob("escape.txt")) and not list(project.rglob("abs.txt"))
    (project / "skipped.txt").write_text(listed.stdout, encoding="utf-8")
    return project, imported.stdout


def test_each_bad_file_is_named_with_its_reason(hostile_book: tuple[Path, str]) -> None:
    _, summary = hostile_book
    for name, (_, reason) in INPUTS.items():
        lines = [line for line in summary.splitlines() if line.strip().startswith(f"raw/{name}:")]
        if reason is None:
            assert not lines, f"{name} should have imported: {lines}"
        else:
            assert len(lines) == 1 and reason in lines[0], f"{name}: {lines}"


def test_each_unsafe_archive_member_is_named(hostile_book: tuple[Path, str]) -> None:
    project, _ = hostile_book
    summary = (project / "skipped.txt").read_text(encoding="utf-8")  # what `make` lists at the end
    for archive, (_, members) in ARCHIVES.items():
        for member, reason in members.items():
            origin = f"raw/{archive}!/{member.lstrip('/')}:"  # a path, so one slash
            lines = [line for line in summary.splitlines() if line.strip().startswith(origin)]
            if reason is None:
                assert not lines, f"{member} should have imported: {lines}"
            else:
                assert lines and all(reason in line for line in lines), f"{member}: {lines}"
    report = (project / "_build" / "import-report.md").read_text(encoding="utf-8")
    assert "`raw/traversal.zip!/../escape.txt`: the member '../escape.txt' would land" in report
    pages = [p.read_text(encoding="utf-8") for p in (project / "source/speeches").glob("*.md")]
    assert sum("source_file: raw/traversal.zip!/ok.txt" in page for page in pages) == 1


def test_good_speeches_still_build(hostile_book: tuple[Path, str]) -> None:
    project, _ = hostile_book
    pages = {p.stem for p in (project / "_build/site/zh-Hans/speeches").glob("*.html")}
    assert "2010-06-06-laodongju-chuangxianzhengyou" in pages
    # two good speeches, the odd file name, the payload, the CSV row, the archive's good member
    assert len(pages) == 6


def test_metadata_stays_plain_yaml_strings(hostile_book: tuple[Path, str]) -> None:
    project, _ = hostile_book
    page = next((project / "source/speeches").glob("2020-01-02-*.md"))
    meta = yaml.safe_load(page.read_text(encoding="utf-8").split("---\n")[1])
    assert meta["title"] == TRICKY_TITLE
    assert meta["speaker"] == "演讲者 换行"


class _Elements(HTMLParser):
    """The elements, attributes and script bodies of a page, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k.lower(): v or "" for k, v in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def published_files(project: Path) -> dict[str, str]:
    """Every HTML page of the site and every XHTML document inside every EPUB."""
    site = project / "_build" / "site"
    files = {str(p): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    for epub in site.glob("downloads/*.epub"):
        with zipfile.ZipFile(epub) as archive:
            for name in archive.namelist():
                if name.endswith((".xhtml", ".html")):
                    files[f"{epub.name}!{name}"] = archive.read(name).decode("utf-8")
    return files


def test_nothing_in_a_speech_is_executed(hostile_book: tuple[Path, str]) -> None:
    project, _ = hostile_book
    files = published_files(project)
    assert any(".epub!" in name for name in files)
    for name, html in files.items():
        assert "root:x:0:0" not in html, name  # /etc/passwd was not included
        page = _Elements()
        page.feed(html)
        for tag, attributes in page.elements:
            assert tag not in ("iframe", "object", "embed"), name
            assert not [a for a in attributes if a.startswith("on")], f"{name}: {tag} {attributes}"
            for key in ("href", "src", "action"):
                assert not attributes.get(key, "").strip().lower().startswith("javascript:"), name
            if tag == "script" and "src" in attributes:
                src = attributes["src"]
                assert "_static/" in src, f"{name}: {src}"
        assert not [body for body in page.scripts if "alert" in body], name


def test_payload_is_shown_literally(hostile_book: tuple[Path, str]) -> None:
    project, _ = hostile_book
    page = next((project / "_build/site/zh-Hans/speeches").glob("*zhuru*.html"))
    html = page.read_text(encoding="utf-8")
    for literal in (
        "```{include} /etc/passwd",
        "&lt;script&gt;alert(3)&lt;/script&gt;",
        "{{ config.__class__ }}",
        "$$ x^2 $$",
        "(evil-label)=",
        "*强调* _下划线_ `代码` # 井号",
    ):
        assert literal in html, literal
