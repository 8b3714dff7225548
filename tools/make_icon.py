"""Draw Cible's icon (a target: red and white rings around a red centre) into app/resources/icons/.

    python tools/make_icon.py

Writes ``cible.png`` (256 px, the Qt window icon) and ``cible.ico`` (16 to 256 px, for the Windows
launchers, shortcuts, the installer and ``.cible`` target files). Drawn at 4× and scaled down so
the small sizes stay smooth; both files are committed, so building needs no drawing.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "app" / "resources" / "icons"
RED = (200, 30, 45, 255)
WHITE = (255, 255, 255, 255)
SIZES = [16, 24, 32, 48, 64, 128, 256]


def draw(size: int = 256) -> Image.Image:
    big = size * 4
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    rings = [RED, WHITE, RED, WHITE, RED]
    step = big / (2 * len(rings))
    for n, colour in enumerate(rings):
        inset = n * step
        pen.ellipse([inset, inset, big - inset, big - inset], fill=colour)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> int:
    ICONS.mkdir(parents=True, exist_ok=True)
    image = draw(256)
    image.save(ICONS / "cible.png", optimize=True)
    image.save(ICONS / "cible.ico", sizes=[(s, s) for s in SIZES])
    print(f"wrote {ICONS / 'cible.png'} and {ICONS / 'cible.ico'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
