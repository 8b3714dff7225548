"""The DMS import wizard (File › Import from the DMS…): pick a file, see it as read, map its
columns, check it, import it. The reading, checking and writing live in :mod:`app.dms`; this
package only collects the user's choices and shows what those functions return.

* :mod:`app.ui.dms.wizard` — the wizard and what its pages share (:class:`ImportState`);
* :mod:`app.ui.dms.source` — the file and what it holds, then the first rows as read;
* :mod:`app.ui.dms.mapping` — a field for each column, saved profiles;
* :mod:`app.ui.dms.check` — the check (validation) and the import, off the GUI thread.
"""

from app.ui.dms.wizard import ImportWizard

__all__ = ["ImportWizard"]
