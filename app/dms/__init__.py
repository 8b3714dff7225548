"""Reading dealer-management-system (DMS) extracts, before anything is written to the database.

Pure Python, no Qt (an import-linter contract says so). The steps, one module each:

* :mod:`app.dms.sniff` — what a file is: format, encoding, separator, header row;
* :mod:`app.dms.read` — its rows, streamed (CSV/TXT) or read with calamine (XLSX/XLS);
* :mod:`app.dms.fields` — the importable columns, derived from the data model and the field
  catalog, and the field suggested for each header (French and English);
* :mod:`app.dms.normalise` — one cell into a typed value (dates, amounts, postal codes, phones,
  VIN, e-mail, civility...), each distinct value parsed once;
* :mod:`app.dms.validate` — every row normalised and checked: errors reject the row, warnings
  do not; the problems name the row, the column and why;
* :mod:`app.dms.profile` — a saved column mapping (JSON), found again by the file's headers;
* :mod:`app.dms.report` — the validation report as an .xlsx.

A file that cannot be read as expected raises :class:`app.errors.ImportFileError`, whose
message names the file (and the row and column when there is one).
"""
