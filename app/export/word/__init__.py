"""Word mail merge: letters and address labels from ordinary .docx templates. No Qt here.

A template is a .docx made in Word or LibreOffice. Its merge fields can be

* Word's own ``MERGEFIELD`` fields, as "Insérer un champ de fusion" writes them, in the simple
  form (``w:fldSimple``) or the complex one (``w:fldChar`` begin / ``w:instrText`` / separate /
  end); the ``\\* Upper``, ``\\* Lower``, ``\\* Caps``, ``\\* FirstCap``, ``\\b`` (text before)
  and ``\\f`` (text after) switches are honoured;
* ``IF`` fields around merge fields (``{ IF { MERGEFIELD Civilité } = "Madame" "Chère Madame"
  "Cher Monsieur" }``), computed for each letter; other fields (page numbers...) stay as they
  are, and a merge field inside any other field is refused when the template is read;
* Word's ``ADDRESSBLOCK`` and ``GREETINGLINE`` (its mail-merge wizard's blocks), merged as
  Cible's address block and salutation, never their cached preview; ADDRESSBLOCK's ``\\c``
  (country line: 0 never, 1 always, 2 unless one of the ``\\e`` countries) and the ``_COMPANY_``
  of its ``\\f`` format (a person's company under their name) are honoured;
* ``«Nom»`` or ``{nom}`` placeholders typed in the text, also when Word has split them across
  several runs (the merged value takes the formatting of the placeholder's first character).
  The name touches its marks: French quotation marks with spaces inside (``« Printemps »``)
  are ordinary text.

Field names are matched without case, accents or punctuation against the field catalog (the
key ``customer.last_name``, the part after the dot ``last_name``, the French label ``Nom`` and
the English label ``Last name``; ``Code_postal`` finds ``Code postal``) and against the helper
fields of :data:`HELPERS` (salutation, today's date in words, the vehicle's age...). A name that
matches nothing stops the merge before anything is written (:class:`UnknownMergeFieldError`,
which lists every such name).

The merge (see :func:`merge_target`) runs the postal funnel (:mod:`app.export.postal`), then
builds **one new document**: the template's body is deep-copied once per letter and the merge
fields are replaced in the copies' text nodes (see shared/PERFORMANCE.md: building letters
paragraph by paragraph is quadratic). Each letter is its own section starting on a new page
(page numbers restart at 1), so headers and footers stay, and when they contain merge fields each
letter gets its own merged copy of them. Images, styles and formatting are the template's. The
file is written to a temporary file next to the output and moved into place only when complete:
a cancelled or failed merge leaves an older file untouched.

Labels (:func:`write_labels`) are a table on A4 sheets, one cell per recipient, with fixed row
heights matching common label sheets (:data:`LABEL_LAYOUTS`) and a first-label offset for a
partly used sheet. The label's content is the address block, or the body of a template. A label
whose text would not fit (estimated from its lines, font sizes and a conservative character
width) is shrunk down to 7 pt; those still cut are named in ``MergeResult.cut_labels`` and
``warnings`` (the sheet is still written), and found before writing by :func:`precheck_merge`
with the same computation.

Where each part lives:

* :mod:`~app.export.word.template` reads the package (.docx, .dotx) and prepares its parts;
* :mod:`~app.export.word.parse` finds the fields (MERGEFIELD, IF, «placeholders») and turns
  each into a token; :mod:`~app.export.word.xml` holds the WordprocessingML names and tools;
* :mod:`~app.export.word.fields` matches field names; :mod:`~app.export.word.compute` computes
  each field's text (helpers, switches, IF conditions);
* :mod:`~app.export.word.letters` writes letters, :mod:`~app.export.word.labels` lays out
  labels, :mod:`~app.export.word.pdf` converts to PDF;
* :mod:`~app.export.word.checks` finds, before writing, what a reader would catch in the
  letters (``[text]`` left to fill in, past due dates, empty site details, cut labels);
* :mod:`~app.export.word.merge` runs the whole merge and records it in the contact history.
"""

from __future__ import annotations

import shutil  # noqa: F401  (tests replace shutil.which through this module)

from app.export.word.checks import Precheck
from app.export.word.compute import (
    FieldRef,
    IfField,
    Letter,
    _Values,
    formal_salutation,
)
from app.export.word.errors import MergeCancelled, MergeError, UnknownMergeFieldError
from app.export.word.fields import (
    HELPERS,
    HELPERS_BY_KEY,
    MergeField,
    available_merge_fields,
    resolve_field_name,
)
from app.export.word.labels import LABEL_LAYOUTS, LabelLayout, write_labels
from app.export.word.letters import write_letters
from app.export.word.merge import (
    MergeResult,
    _letters,
    _needed_columns,
    merge_target,
    precheck_merge,
    record_mailing,
)
from app.export.word.parse import _Compiler
from app.export.word.pdf import convert_to_pdf, pdf_converter, pdf_unavailable_reason
from app.export.word.template import LetterTemplate
from app.export.word.xml import _fill

__all__ = [
    "HELPERS",
    "HELPERS_BY_KEY",
    "LABEL_LAYOUTS",
    "FieldRef",
    "IfField",
    "LabelLayout",
    "Letter",
    "LetterTemplate",
    "MergeCancelled",
    "MergeError",
    "MergeField",
    "MergeResult",
    "Precheck",
    "UnknownMergeFieldError",
    "_Compiler",
    "_Values",
    "_fill",
    "_letters",
    "_needed_columns",
    "available_merge_fields",
    "convert_to_pdf",
    "formal_salutation",
    "merge_target",
    "pdf_converter",
    "pdf_unavailable_reason",
    "precheck_merge",
    "record_mailing",
    "resolve_field_name",
    "write_labels",
    "write_letters",
]
