"""Converting a merged document to PDF with LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from app import files
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


def check_pdf_path(pdf: str | os.PathLike[str], lang: str | None = None) -> None:
    """Refuse, before anything is written, a PDF path that cannot be written."""
    pdf = Path(pdf)
    folder = pdf.parent if str(pdf.parent) else Path(".")
    problem = None
    if pdf.is_dir():
        problem = _("it is a folder", lang)
    elif not folder.is_dir():
        problem = _("the folder {folder} does not exist", lang).format(folder=folder)
    elif not os.access(folder, os.W_OK | os.X_OK):
        problem = _("the folder {folder} is read-only", lang).format(folder=folder)
    elif pdf.exists() and not os.access(pdf, os.W_OK):
        problem = _("the file is read-only or locked", lang)
    if problem:
        raise MergeError(
            _("Cannot write the PDF {path}: {problem}.", lang).format(path=pdf, problem=problem)
        )


def convert_to_pdf(
    docx: str | os.PathLike[str], pdf: str | os.PathLike[str], *, timeout: float = 600
) -> Path:
    """Convert *docx* to *pdf* with LibreOffice (headless); the PDF is moved into place at the end."""
    program = pdf_converter()
    if program is None:
        raise MergeError(pdf_unavailable_reason() or _("LibreOffice is not installed."))
    docx, pdf = Path(docx), Path(pdf)
    folder = pdf.parent if str(pdf.parent) else Path(".")
    try:
        return _convert(program, docx, pdf, folder, timeout)
    except OSError as error:
        raise MergeError(
            _("Cannot write the PDF {path}: {problem}.").format(
                path=pdf, problem=error.strerror or error
            )
        ) from None


def _convert(program: str, docx: Path, pdf: Path, folder: Path, timeout: float) -> Path:
    # LibreOffice's output and profile in a scratch folder next to the PDF (never the shared
    # temporary folder: the letters hold customers' names and addresses); the PDF moved into
    # place through app.files only once complete.
    with files.scratch_folder(pdf) as scratch, files.atomic_path(pdf) as tmp:
        work = str(scratch)
        profile = scratch / "profile"
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
        os.replace(produced, tmp)
    return pdf
