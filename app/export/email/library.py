"""Saved e-mail templates: list (with the French starters when there are none), save, delete.
No Qt here. A template is checked (:func:`~app.export.email.templates.compile_template`)
before it is saved: a malformed one, an unknown merge field or a missing subject is refused."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.export.email.templates import STARTERS, EmailTemplateError, compile_template
from app.i18n import _
from app.models.email import EmailKind, EmailTemplate, EmailTemplateImage

#: Images of a template: content id → (bytes, MIME subtype), as :class:`CompiledTemplate` has.
Images = dict[str, tuple[bytes, str]]


@dataclass(frozen=True)
class TemplateInfo:
    id: int
    name: str
    kind: EmailKind
    subject: str
    html: str
    #: The images it shows inline (a logo): content id → (bytes, MIME subtype).
    images: Images = field(default_factory=dict)


def template_images(template: EmailTemplate) -> Images:
    return {i.cid: (bytes(i.data), i.subtype) for i in template.images}


def ensure_starter_templates(session: Session) -> int:
    """Add the starter templates when there is no template at all; return how many."""
    if session.scalars(select(EmailTemplate.id).limit(1)).first() is not None:
        return 0
    for name, (kind, subject, html) in STARTERS.items():
        session.add(EmailTemplate(name=name, kind=EmailKind(kind), subject=subject, html=html))
    session.flush()
    return len(STARTERS)


def list_templates(session: Session) -> list[TemplateInfo]:
    ensure_starter_templates(session)
    rows = session.scalars(
        select(EmailTemplate).options(selectinload(EmailTemplate.images)).order_by(EmailTemplate.name)
    )
    return [
        TemplateInfo(t.id, t.name, EmailKind(t.kind), t.subject, t.html, template_images(t))
        for t in rows
    ]


def save_template(
    session: Session,
    name: str,
    kind: EmailKind | str,
    subject: str,
    html: str,
    template_id: int | None = None,
    images: Images | None = None,
) -> EmailTemplate:
    """Create or update a template (by id, else by name); names are unique. Of *images*, those
    the HTML shows are stored with it (they replace the ones it had)."""
    name = " ".join(name.split())
    if not name:
        raise EmailTemplateError(_("A template needs a name."))
    if len(name) > 80:
        raise EmailTemplateError(_("A template name has at most {n} characters.").format(n=80))
    if len(subject) > 200:
        raise EmailTemplateError(_("The subject has at most {n} characters.").format(n=200))
    compiled = compile_template(subject, html, images=images)
    other = session.scalars(select(EmailTemplate).where(EmailTemplate.name == name)).first()
    template = session.get(EmailTemplate, template_id) if template_id is not None else other
    if other is not None and template is not None and other.id != template.id:
        raise EmailTemplateError(
            _("There is already a template named {name!r}.").format(name=name)
        )
    if template is None:
        template = EmailTemplate(name=name, kind=EmailKind(kind), subject=subject, html=html)
        session.add(template)
    else:
        template.name, template.kind = name, EmailKind(kind)
        template.subject, template.html = subject, html
    kept = {i.cid: i for i in template.images}
    template.images = [
        _image(kept.get(cid), cid, data, subtype) for cid, (data, subtype) in compiled.images.items()
    ]
    session.flush()
    return template


def _image(
    existing: EmailTemplateImage | None, cid: str, data: bytes, subtype: str
) -> EmailTemplateImage:
    if existing is None:
        return EmailTemplateImage(cid=cid, subtype=subtype, data=data)
    existing.data, existing.subtype = data, subtype
    return existing


def delete_template(session: Session, template_id: int) -> None:
    template = session.get(EmailTemplate, template_id)
    if template is not None:
        session.delete(template)
        session.flush()
