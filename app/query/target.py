"""A target (cible): name, description, columns, criteria, sort order, removed customers, grain."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from app.errors import TargetError
from app.i18n import _, format_count
from app.query.catalog import get_field
from app.query.criteria import Group, check_size

FORMAT_NAME = "cible-target"
#: 2: removed customers by site and DMS reference; "each" on ticked values. Version 1 is read.
FORMAT_VERSION = 2
#: Columns of one target (the catalog has fewer displayable fields than this).
MAX_COLUMNS = 250
#: Sort keys of one target.
MAX_SORT_KEYS = 20
#: The largest customer number a database holds (64-bit integer).
MAX_ID = 2**63 - 1

Grain = Literal["vehicle", "customer"]
GRAINS = ("vehicle", "customer")

#: The columns a new target shows (seed 2.1.4's grid).
DEFAULT_COLUMNS = [
    "customer.civility",
    "customer.last_name",
    "customer.first_name",
    "customer.company",  # leasing and fleet companies (ARVAL...) have no last name
    "customer.postal_code",
    "customer.city",
    "vehicle.plate",
    "vehicle.brand",
    "vehicle.model",
    "vehicle.first_registration",
]


@dataclass
class SortKey:
    """One line of the sort order (ordre de tri)."""

    field: str
    descending: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "descending": self.descending}

    @classmethod
    def from_dict(cls, data: Any) -> SortKey:
        if isinstance(data, str):
            get_field(data)
            return cls(data)
        if not isinstance(data, dict) or "field" not in data:
            raise TargetError(
                _("A sort key must be an object with a 'field': {data!r}.").format(data=data)
            )
        unknown = set(data) - {"field", "descending"}
        if unknown:
            raise TargetError(
                _("Unknown key(s) in a sort key: {values}.").format(
                    values=", ".join(sorted(unknown))
                )
            )
        get_field(data["field"])
        descending = data.get("descending", False)
        if not isinstance(descending, bool):
            raise TargetError(
                _("Sort key {field}: 'descending' must be true or false.").format(
                    field=data["field"]
                )
            )
        return cls(data["field"], descending)


@dataclass
class Target:
    """Everything a saved target restores."""

    name: str = ""
    description: str = ""
    columns: list[str] = field(default_factory=lambda: list(DEFAULT_COLUMNS))
    criteria: Group = field(default_factory=Group)
    sort: list[SortKey] = field(default_factory=list)
    #: Customer ids removed by hand: shown struck out in the grid, left out of every export.
    removed: set[int] = field(default_factory=set)
    grain: Grain | str = "vehicle"
    #: Removed customers named by (site code, DMS reference), as a target file made at another
    #: site names them; turned into ``removed`` by ``engine.resolve_removed`` on a database.
    removed_refs: set[tuple[str, str]] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.grain not in GRAINS:
            raise TargetError(
                _("Unknown grain {grain!r}: use vehicle or customer.").format(grain=self.grain)
            )
        self.removed = {int(i) for i in self.removed}
        self.removed_refs = {(str(site), str(ref)) for site, ref in self.removed_refs}

    def validate(self) -> None:
        """Raise :class:`TargetError` if a column, sort key or criterion is not valid."""
        for key in self.columns:
            f = get_field(key)
            if not f.displayable:
                raise TargetError(
                    _("{label} ({key}) can be used in criteria only, not as a column.").format(
                        label=f.label(), key=key
                    )
                )
        for key in self.sort:
            f = get_field(key.field)
            if not f.displayable:
                raise TargetError(
                    _("{label} ({field}) cannot be used in the sort order.").format(
                        label=f.label(), field=key.field
                    )
                )
        if not self.columns:
            raise TargetError(_("The target has no columns: choose at least one field to display."))
        if len(self.columns) > MAX_COLUMNS:
            raise TargetError(
                _("The target has {count} columns; Cible shows at most {max}.").format(
                    count=format_count(len(self.columns)), max=MAX_COLUMNS
                )
            )
        if len(self.sort) > MAX_SORT_KEYS:
            raise TargetError(
                _("The target has {count} sort keys; Cible sorts on at most {max}.").format(
                    count=format_count(len(self.sort)), max=MAX_SORT_KEYS
                )
            )
        if any(not 0 < i <= MAX_ID for i in self.removed):
            raise TargetError(_("The target's 'removed' must be a list of customer numbers."))
        check_size(self.criteria)
        self.criteria.validated()

    def to_dict(self, references: dict[int, tuple[str, str]] | None = None) -> dict[str, Any]:
        """The target as a file holds it. With *references* (customer number → site code and DMS
        reference, see ``engine.removed_references``), removed customers are written by
        reference, so another site's database removes the same people; otherwise by number
        (meaningful in this database only)."""
        references = references or {}
        removed: list[Any] = [
            {"site": references[i][0], "ref": references[i][1]} if i in references else i
            for i in sorted(self.removed)
        ]
        removed += [{"site": s, "ref": r} for s, r in sorted(self.removed_refs)]
        return {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "name": self.name,
            "description": self.description,
            "grain": self.grain,
            "columns": list(self.columns),
            "criteria": self.criteria.to_dict(),
            "sort": [k.to_dict() for k in self.sort],
            "removed": removed,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Target:
        if not isinstance(data, dict):
            raise TargetError(_("A target must be a JSON object."))
        fmt = data.get("format", FORMAT_NAME)
        if fmt != FORMAT_NAME:
            raise TargetError(
                _("Not a Cible target (format {fmt!r}, expected {expected!r}).").format(
                    fmt=fmt, expected=FORMAT_NAME
                )
            )
        version = data.get("version", FORMAT_VERSION)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise TargetError(
                _("The target's 'version' must be a whole number from 1, not {version!r}.").format(
                    version=version
                )
            )
        if version > FORMAT_VERSION:
            raise TargetError(
                _(
                    "This target was written by a newer Cible (format version {version}; this one reads up to {supported}). Update Cible to open it."
                ).format(version=version, supported=FORMAT_VERSION)
            )
        known = {
            "format",
            "version",
            "name",
            "description",
            "grain",
            "columns",
            "criteria",
            "sort",
            "removed",
        }
        unknown = set(data) - known
        if unknown:
            raise TargetError(
                _("Unknown key(s) in the target: {values}.").format(
                    values=", ".join(sorted(unknown))
                )
            )
        name = data.get("name", "")
        description = data.get("description", "")
        if not isinstance(name, str) or not isinstance(description, str):
            raise TargetError(_("The target's 'name' and 'description' must be text."))
        columns = data.get("columns", list(DEFAULT_COLUMNS))
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise TargetError(_("The target's 'columns' must be a list of field keys."))
        for key in columns:
            get_field(key)
        criteria = data.get("criteria", {"group": "all", "children": []})
        sort = data.get("sort", [])
        if not isinstance(sort, list):
            raise TargetError(_("The target's 'sort' must be a list."))
        removed = data.get("removed", [])
        if not isinstance(removed, list):
            raise TargetError(_("The target's 'removed' must be a list of customer numbers."))
        ids: set[int] = set()
        refs: set[tuple[str, str]] = set()
        for item in removed:
            if isinstance(item, int) and not isinstance(item, bool):
                ids.add(item)
            elif (
                version >= 2
                and isinstance(item, dict)
                and set(item) <= {"site", "ref"}
                and isinstance(item.get("ref"), str)
                and item["ref"].strip()
                and isinstance(item.get("site", ""), str | None)
            ):
                refs.add((item.get("site") or "", item["ref"].strip()))
            else:
                raise TargetError(
                    _(
                        "The target's 'removed' must list customers by number or as"
                        ' {{"site": CODE, "ref": DMS reference}}: {item!r} is neither.'
                    ).format(item=item)
                )
        grain = data.get("grain", "vehicle")
        target = cls(
            name=name,
            description=description,
            columns=list(columns),
            criteria=Group.from_dict(criteria),
            sort=[SortKey.from_dict(k) for k in sort],
            removed=ids,
            grain=grain,
            removed_refs=refs,
        )
        target.validate()
        return target
