"""Sanity check for the hand-written labels: every labelled string must occur in its raw file.

It catches typos in expected.yml; it is NOT an importer and evaluates nothing. Titles that the text
does not print (the label notes say "our reading") and strings split over HTML tags are reported and
may be expected. Usage: python tests/corpus/import/check_labels.py [corpus-dir]
"""

import contextlib
import csv
import html
import io
import json
import re
import sys
import unicodedata
import zipfile
from pathlib import Path

import yaml


def norm(s):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def decode(b):
    if b[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return b.decode("utf-16")
    try:
        return b.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    outs = []
    for enc in ("gb18030", "big5"):
        with contextlib.suppress(UnicodeDecodeError):
            outs.append(b.decode(enc))
    # the reading with more common function characters is the right one
    return max(outs, key=lambda t: sum(t.count(c) for c in "的，。們"))


def text_of(root, spec):
    path, _, row = spec.partition("#")
    path, _, member = path.partition("!/")
    data = (root / path).read_bytes()
    if member:
        data = zipfile.ZipFile(io.BytesIO(data), metadata_encoding="cp936").read(member)
        path = member
    if path.endswith(".docx"):
        import docx  # python-docx

        return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    text = decode(data)
    if row and path.endswith(".csv"):
        return "\n".join(list(csv.DictReader(io.StringIO(text)))[int(row) - 1].values())
    if row and path.endswith(".jsonl"):
        return json.dumps(json.loads(text.splitlines()[int(row) - 1]), ensure_ascii=False)
    if re.search(r"\.(html?|php|aspx|shtml|jsp|tmx|xml)$", path):
        text += "\n" + html.unescape(re.sub(r"<[^>]+>", "", text))
    return text


def main(root):
    problems = 0
    entries = yaml.safe_load((root / "expected.yml").read_text(encoding="utf-8"))
    for entry in entries:
        haystack = norm(text_of(root, entry["file"]) + entry["file"])
        for key in ("title", "speaker", "first", "last"):
            value = entry.get(key)
            if value and norm(str(value)) not in haystack:
                print("not in file:", key, entry["file"], str(value)[:40])
                problems += 1
        for key in ("headings", "keep", "clutter"):
            for value in entry.get(key) or []:
                if norm(value) not in haystack:
                    print("not in file:", key, entry["file"], value[:40])
                    problems += 1
    print(f"{len(entries)} entries, {problems} strings not found")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent)
