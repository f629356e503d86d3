"""The pdf builder's PDFs (``_build/pdf/<edition>/``) → ``_build/site/downloads/``, beside the
EPUBs: a PDF is copied only when its bytes changed, and a part's PDF that the builder no longer
makes is removed from the downloads too."""

from __future__ import annotations

from pathlib import Path

from build_tools.atomic import write_if_changed
from build_tools.variants.table import Variant


def publish_pdfs(root: Path, variant: Variant) -> list[Path]:
    """The edition's PDFs in the downloads folder, as the last pdf build made them."""
    made = root / "_build" / "pdf" / variant.name
    downloads = root / "_build" / "site" / "downloads"
    if not made.is_dir():
        return []
    pdfs = sorted(made.glob(f"*-{variant.name}.pdf")) + sorted(made.glob(f"*-{variant.name}-*.pdf"))
    published = []
    for pdf in pdfs:
        write_if_changed(downloads / pdf.name, pdf.read_bytes())
        published.append(downloads / pdf.name)
    names = {p.name for p in pdfs}
    for stale in [
        *downloads.glob(f"*-{variant.name}.pdf"),
        *downloads.glob(f"*-{variant.name}-*.pdf"),
    ]:
        if stale.name not in names:
            stale.unlink()
    return published
