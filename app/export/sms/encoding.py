"""SMS length and encoding (GSM 03.38), as the phone network counts them.

* GSM-7: the basic set counts 1 unit per character, the extension table (``^ { } \\ [ ~ ] |``,
  ``€`` and form feed) 2 units (an escape plus the character). One message holds 160 units; a
  concatenated message 153 per segment (the rest is the user data header).
* UCS-2: as soon as one character is outside GSM-7, the whole message is UCS-2, counted in UTF-16
  code units (an emoji outside the Basic Multilingual Plane counts 2). 70 per message, 67 per
  segment when concatenated.
* A character as people see it (a grapheme cluster: a flag, an emoji with its skin tone, a ZWJ
  family, a letter with its combining accents, CR LF) never straddles two segments, as in
  Twilio's segment calculator: a cluster that does not fit in what is left of a segment starts
  the next one. Only a cluster longer than a whole segment is cut, between code points (a
  surrogate pair, an extension character are never cut). Clusters are found with the ``regex``
  package (``\\X``, Unicode's extended grapheme clusters), and they are what the character count
  shows.

Lower-case ``ç`` is mapped differently by implementations (shared/COMPLIANCE.md §2): Cible treats
it as UCS-2 and offers ``c`` instead. No Qt here.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import regex

GSM7 = "GSM-7"
UCS2 = "UCS-2"

#: GSM 03.38 default alphabet (1 unit each). ESC (0x1B) is not a character users can type.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
#: GSM 03.38 extension table (2 units each: escape + character).
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM_ALL = GSM_BASIC | GSM_EXTENSION

SINGLE_GSM = 160
MULTI_GSM = 153
SINGLE_UCS2 = 70
MULTI_UCS2 = 67

#: GSM-safe replacements for the characters that commonly force UCS-2 in French, Estonian and
#: German texts (typographic quotes and dashes from word processors, accents outside GSM-7).
REPLACEMENTS: dict[str, str] = {
    "\u2019": "'",  # ’
    "\u2018": "'",  # ‘
    "\u201a": "'",
    "\u2032": "'",
    "`": "'",
    "´": "'",
    "\u201c": '"',  # “
    "\u201d": '"',  # ”
    "\u201e": '"',
    "«": '"',
    "»": '"',
    "\u2013": "-",  # –
    "\u2014": "-",  # —
    "\u2212": "-",
    "\u2026": "...",  # …
    "\u00a0": " ",  # no-break space
    "\u202f": " ",  # narrow no-break space
    "\u2009": " ",
    "\t": " ",
    "œ": "oe",
    "Œ": "OE",
    "ç": "c",
    "â": "a",
    "á": "a",
    "ã": "a",
    "ê": "e",
    "ë": "e",
    "î": "i",
    "ï": "i",
    "í": "i",
    "ô": "o",
    "ó": "o",
    "õ": "o",
    "û": "u",
    "ú": "u",
    "ÿ": "y",
    "š": "s",
    "ž": "z",
    "À": "A",
    "Â": "A",
    "Á": "A",
    "È": "E",
    "Ê": "E",
    "Ë": "E",
    "Î": "I",
    "Ï": "I",
    "Ô": "O",
    "Õ": "O",
    "Ù": "U",
    "Û": "U",
    "Ÿ": "Y",
    "Š": "S",
    "Ž": "Z",
    "°": "o",
    "\u2022": "-",
}


def is_gsm(ch: str) -> bool:
    """True if *ch* (one character) can be sent in GSM-7 (basic set or extension table)."""
    return ch in GSM_BASIC or ch in GSM_EXTENSION


def gsm_units(ch: str) -> int:
    """Units *ch* takes in GSM-7: 1 (basic set) or 2 (extension table)."""
    return 2 if ch in GSM_EXTENSION else 1


def utf16_units(ch: str) -> int:
    """UTF-16 code units of one character: 2 outside the Basic Multilingual Plane."""
    return 2 if ord(ch) > 0xFFFF else 1


def gsm_replacement(ch: str) -> str | None:
    """A GSM-7 text to use instead of *ch*, or ``None`` when there is none (e.g. an emoji)."""
    if is_gsm(ch):
        return ch
    if ch in REPLACEMENTS:
        return REPLACEMENTS[ch]
    stripped = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    if stripped and stripped != ch and all(is_gsm(c) for c in stripped):
        return stripped
    return None


def non_gsm_characters(text: str) -> list[str]:
    """The distinct characters of *text* outside GSM-7, in order of first appearance."""
    return [ch for ch in dict.fromkeys(text) if ch not in GSM_ALL]


def make_gsm_safe(text: str, only: str | None = None) -> str:
    """*text* with every character that has a GSM-safe replacement replaced (or only *only*)."""
    if only is None and not (set(text) - GSM_ALL):
        return text
    out = []
    for ch in text:
        if only is not None and ch != only:
            out.append(ch)
            continue
        replacement = gsm_replacement(ch)
        out.append(ch if replacement is None else replacement)
    return "".join(out)


_CLUSTER = regex.compile(r"\X")


def clusters(text: str) -> list[str]:
    """*text* as characters as people see them (extended grapheme clusters)."""
    if text.isascii():  # only CR LF holds two ASCII code points
        if "\r\n" not in text:
            return list(text)
    return _CLUSTER.findall(text)


def character_count(text: str) -> int:
    """How many characters people see in *text* (👨‍👩‍👧‍👦 is one, so is 🇫🇷 and é written e + ◌́)."""
    if text.isascii():
        return len(text) - text.count("\r\n")
    return len(_CLUSTER.findall(text))


@dataclass(frozen=True)
class SmsLength:
    """How a text goes over the network."""

    encoding: str
    #: Characters as the user sees them (grapheme clusters).
    characters: int
    #: GSM-7 units or UTF-16 code units.
    units: int
    segments: int
    #: Units per segment at this length (160/153 or 70/67).
    per_segment: int
    #: Units still free in the last segment.
    remaining: int
    #: The characters that forced UCS-2, in order of appearance (empty for GSM-7).
    offending: tuple[str, ...] = field(default=())

    @property
    def first_offending(self) -> str | None:
        return self.offending[0] if self.offending else None


def _pieces(text: str, ucs2: bool, capacity: int) -> list[tuple[str, int]]:
    """(piece, units) to pack: the grapheme clusters of *text*, a cluster longer than a whole
    segment cut into its code points."""
    width = utf16_units if ucs2 else gsm_units
    pieces: list[tuple[str, int]] = []
    for cluster in clusters(text):
        units = sum(width(ch) for ch in cluster) if len(cluster) > 1 else width(cluster)
        if units > capacity:
            pieces.extend((ch, width(ch)) for ch in cluster)
        else:
            pieces.append((cluster, units))
    return pieces


def _pack(pieces: list[tuple[str, int]], capacity: int) -> list[tuple[int, int]]:
    """Segments as (first piece, units used), a piece never straddling two of them."""
    segments: list[tuple[int, int]] = []
    start, used = 0, 0
    for i, (_piece, units) in enumerate(pieces):
        if used + units > capacity:
            segments.append((start, used))
            start, used = i, 0
        used += units
    segments.append((start, used))
    return segments


def split_segments(text: str) -> list[str]:
    """The text of each segment of *text*, as the network carries it (see the module's doc)."""
    length = analyse(text)
    if length.segments == 1:
        return [text]
    pieces = _pieces(text, length.encoding == UCS2, length.per_segment)
    starts = [start for start, _used in _pack(pieces, length.per_segment)] + [len(pieces)]
    return ["".join(p for p, _u in pieces[a:b]) for a, b in zip(starts, starts[1:], strict=False)]


def analyse(text: str) -> SmsLength:
    """Encoding, units and segments of *text* (an empty text is one empty segment)."""
    distinct = dict.fromkeys(text)
    offending = tuple(ch for ch in distinct if ch not in GSM_ALL)
    if offending:
        single, multi, encoding = SINGLE_UCS2, MULTI_UCS2, UCS2
        wide = [ch for ch in distinct if ord(ch) > 0xFFFF]
    else:
        single, multi, encoding = SINGLE_GSM, MULTI_GSM, GSM7
        wide = [ch for ch in distinct if ch in GSM_EXTENSION]
    units = len(text) + sum(text.count(ch) for ch in wide)
    characters = character_count(text)
    if units <= single:
        return SmsLength(encoding, characters, units, 1, single, single - units, offending)
    if not wide and characters == len(text):  # one unit per piece: plain division
        segments = -(-units // multi)
        return SmsLength(
            encoding, characters, units, segments, multi, segments * multi - units, offending
        )
    packed = _pack(_pieces(text, bool(offending), multi), multi)
    return SmsLength(
        encoding, characters, units, len(packed), multi, multi - packed[-1][1], offending
    )
