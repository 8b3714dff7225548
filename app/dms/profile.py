"""Import profiles: a named column mapping for one DMS's layout ('Irium clients').

A profile is a small JSON document, the same whether it is saved as a file (to share between
sites) or stored in the database (the upsert step keeps them in ``Setting`` rows with
:meth:`Profile.to_json`)::

    {"format": "cible-dms-profile", "version": 1, "name": "Irium clients",
     "kind": "customers", "country": "FR", "site_code": "TRS",
     "encoding": "cp1252", "separator": ";", "header_row": 0,
     "date_orders": {}, "columns": {"N° client": "customer.dms_ref", "CP": "customer.postal_code"},
     "sheet": null}

``sheet`` names the sheet of a workbook to read (null: the first one).

Columns are mapped by header (compared folded), not by position: a DMS that adds or moves a
column still matches. The next file whose headers hold all of a profile's mapped headers gets
that profile (:func:`match_profile`).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from app.dms.fields import FileKind, fields_for, fold_header
from app.dms.sniff import Layout, file_error
from app.errors import ImportFileError
from app.i18n import _

FORMAT = "cible-dms-profile"
VERSION = 1


@dataclass
class Profile:
    name: str
    kind: FileKind
    #: Header as written in the file → field key.
    columns: dict[str, str]
    country: str = "FR"
    site_code: str | None = None
    encoding: str | None = None
    separator: str | None = None
    header_row: int | None = None
    date_orders: dict[str, str] = field(default_factory=dict)
    #: The sheet of a workbook to read, by name (None: the first sheet).
    sheet: str | None = None

    def to_dict(self) -> dict:
        data = {"format": FORMAT, "version": VERSION, **asdict(self)}
        data["kind"] = str(self.kind)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, data: dict, source: str = "") -> Profile:
        """A profile from its JSON object; :class:`ImportFileError` naming *source* if it is
        not one, or maps to a field Cible does not import."""

        def bad(reason: str) -> ImportFileError:
            return ImportFileError(
                _("{file}: not an import profile ({reason}).").format(
                    file=source or _("profile"), reason=reason
                )
            )

        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise bad(_("the format is not {format}").format(format=FORMAT))
        if int(data.get("version", 0)) > VERSION:
            raise bad(_("made by a newer Cible"))
        try:
            kind = FileKind(data["kind"])
            columns = {str(k): str(v) for k, v in dict(data["columns"]).items()}
            name = str(data["name"])
        except (KeyError, ValueError, TypeError) as error:
            raise bad(str(error)) from None
        available = fields_for(kind)
        unknown = sorted(set(columns.values()) - set(available))
        if unknown:
            raise bad(_("unknown field {key}").format(key=unknown[0]))
        return cls(
            name=name,
            kind=kind,
            columns=columns,
            country=str(data.get("country") or "FR"),
            site_code=data.get("site_code"),
            encoding=data.get("encoding"),
            separator=data.get("separator"),
            header_row=data.get("header_row"),
            date_orders=dict(data.get("date_orders") or {}),
            sheet=str(data["sheet"]) if data.get("sheet") else None,
        )

    @classmethod
    def from_json(cls, text: str, source: str = "") -> Profile:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ImportFileError(
                _("{file}: not an import profile ({reason}).").format(
                    file=source or _("profile"), reason=error.msg
                )
            ) from None
        return cls.from_dict(data, source)

    @classmethod
    def from_mapping(
        cls,
        name: str,
        kind: FileKind,
        headers: list[str] | tuple[str, ...],
        mapping: dict[int, str],
        layout: Layout | None = None,
        **options,
    ) -> Profile:
        """A profile from the wizard's choices: the headers and column index → field key."""
        columns = {headers[i]: key for i, key in sorted(mapping.items())}
        if layout is not None and layout.format == "csv":
            options.setdefault("encoding", layout.encoding)
            options.setdefault("separator", layout.separator)
        if layout is not None:
            options.setdefault("header_row", layout.header_row)
            if layout.sheet_name is not None:
                options.setdefault("sheet", layout.sheet_name)
        return cls(name=name, kind=FileKind(kind), columns=columns, **options)

    def signature(self) -> frozenset[str]:
        return frozenset(fold_header(h) for h in self.columns)

    def mapping_for(
        self, headers: list[str] | tuple[str, ...], path: Path | str = ""
    ) -> dict[int, str]:
        """Column index → field key for a file with these headers; :class:`ImportFileError`
        naming the file and the missing column if one of the profile's columns is not there."""
        index = {fold_header(h): i for i, h in reversed(list(enumerate(headers)))}
        mapping: dict[int, str] = {}
        for header, key in self.columns.items():
            column = index.get(fold_header(header))
            if column is None:
                raise file_error(
                    path or "?",
                    _("the column “{column}” that profile “{profile}” expects is missing.").format(
                        column=header, profile=self.name
                    ),
                    row=(self.header_row or 0) + 1,
                )
            mapping[column] = key
        return mapping

    def layout_for(self, sniffed: Layout) -> Layout:
        """The sniffed layout with the profile's encoding, separator and header row (a
        workbook's sheet is chosen when sniffing: :func:`~app.dms.sniff.sniff` with
        :attr:`sheet`)."""
        if sniffed.format != "csv":
            return sniffed
        return dataclasses.replace(
            sniffed,
            encoding=self.encoding or sniffed.encoding,
            separator=self.separator or sniffed.separator,
            header_row=sniffed.header_row if self.header_row is None else self.header_row,
        )


def save_profile(profile: Profile, path: Path | str) -> None:
    Path(path).write_text(profile.to_json() + "\n", encoding="utf-8")


def load_profile(path: Path | str) -> Profile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ImportFileError(
            _("{file}: not an import profile ({reason}).").format(file=path.name, reason=error)
        ) from None
    return Profile.from_json(text, path.name)


def load_profiles(folder: Path | str) -> list[Profile]:
    """The profiles of a folder (``*.json``); unreadable files are skipped."""
    profiles = []
    for file in sorted(Path(folder).glob("*.json")):
        try:
            profiles.append(load_profile(file))
        except ImportFileError:
            continue
    return profiles


def match_profile(headers: list[str] | tuple[str, ...], profiles: list[Profile]) -> Profile | None:
    """The profile for a file with these headers: the one whose mapped headers are all there,
    with the most of them (ties: the one whose headers are closest to the file's)."""
    folded = {fold_header(h) for h in headers if str(h).strip()}
    best, best_score = None, (0, 0.0)
    for profile in profiles:
        signature = profile.signature()
        if not signature or not signature <= folded:
            continue
        score = (len(signature), len(signature) / len(folded))
        if score > best_score:
            best, best_score = profile, score
    return best


def match_file(
    path: Path | str, layout: Layout, profiles: list[Profile]
) -> tuple[Profile | None, Layout]:
    """The profile for a file and the layout to read it with: :func:`match_profile` on the
    sniffed headers; for a workbook, the sheet the profile names (a profile saved from the
    second sheet of a workbook is found when the first sheet is something else). *layout* is
    returned when the file has no other sheet to read."""
    from app.dms.sniff import sniff

    def on_its_sheet(profile: Profile) -> Layout | None:
        if not profile.sheet or profile.sheet not in layout.sheets:
            return None
        if profile.sheet == layout.sheet_name:
            return layout
        other = sniff(path, sheet=profile.sheet)
        return other if match_profile(other.headers, [profile]) is profile else None

    found = match_profile(layout.headers, profiles)
    if found is not None:
        return found, on_its_sheet(found) or layout
    if layout.format == "csv":
        return None, layout
    for profile in profiles:
        other = on_its_sheet(profile)
        if other is not None and other is not layout:
            return profile, other
    return None, layout
