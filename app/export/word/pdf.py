"""Converting a merged document to PDF with LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from app.export.word.errors import MergeError
from app.i18n import _, format_number


def pdf_converter() -> str | None:
    """The LibreOffice program that converts to PDF, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_unavailable_reason() -> str | None:
    """Why PDF output is not possible here, or ``None`` when it is."""
    if pdf_converter() is None:
        return _(
            "PDF output needs LibreOffice, which is not installed on this computer "
            "(no soffice or libreoffice program was found)."
        )
    return None


def convert_to_pdf(
    docx: str | os.PathLike[str], pdf: str | os.PathLike[str], *, timeout: float = 600
) -> Path:
    """Convert *docx* to *pdf* with LibreOffice (headless); the PDF is moved into place at the end."""
    program = pdf_converter()
    if program is None:
        raise MergeError(pdf_unavailable_reason() or _("LibreOffice is not installed."))
    docx, pdf = Path(docx), Path(pdf)
    folder = pdf.parent if str(pdf.parent) else Path(".")
    with tempfile.TemporaryDirectory(prefix=".cible-pdf-", dir=folder) as work:
        profile = Path(work) / "profile"
        command = [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            work,
            str(docx),
        ]
        try:
            completed = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise MergeError(
                _("LibreOffice took more than {seconds} s to convert {file}.").format(
                    seconds=format_number(timeout, 0 if timeout == int(timeout) else 1),
                    file=docx.name,
                )
            ) from None
        except OSError as error:
            raise MergeError(
                _("Cannot run LibreOffice ({program}): {detail}.").format(
                    program=program, detail=error
                )
            ) from None
        produced = Path(work) / (docx.stem + ".pdf")
        if completed.returncode != 0 or not produced.exists():
            detail = (completed.stderr or completed.stdout or "").strip().splitlines()
            if detail:
                message = _("LibreOffice could not convert {file} to PDF: {detail}").format(
                    file=docx.name, detail=detail[-1]
                )
            else:
                message = _("LibreOffice could not convert {file} to PDF.").format(file=docx.name)
            raise MergeError(message)
        os.replace(produced, pdf)
    return pdf
