"""Real Word files opened by a real word processor: LibreOffice converts them to PDF. Tests
that need it skip cleanly where it is not installed, except on CI, which must have it."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def require_libreoffice() -> str:
    """The LibreOffice program, or the test is skipped (failed on CI, which must install it)."""
    if SOFFICE is None and not os.environ.get("CI"):
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    assert SOFFICE, "CI must install LibreOffice"
    return SOFFICE


def convert_to_pdf(source: Path, folder: Path) -> Path:
    """`source` converted by LibreOffice into `folder`, its own profile there; asserts it worked."""
    result = subprocess.run(  # noqa: S603 (a fixed command on our own file)
        [
            require_libreoffice(),
            "--headless",
            f"-env:UserInstallation=file://{folder}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = folder / source.with_suffix(".pdf").name
    assert result.returncode == 0 and pdf.exists() and pdf.stat().st_size > 1000, result.stderr
    return pdf
