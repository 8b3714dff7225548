"""Write the French starter letters of the mail merge into app/resources/templates/.

    python tools/make_word_templates.py

The letters are built by ``app.export.word_templates.build_starter``; run this after changing
their text and commit the .docx files.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.export.word_templates import RESOURCES, write_starters  # noqa: E402


def main() -> int:
    for path in write_starters(RESOURCES):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
