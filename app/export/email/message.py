"""Building one e-mail: headers, unsubscribe line and headers, text and HTML parts. No Qt here.

Every marketing e-mail carries

* a visible unsubscribe line at the end (HTML and text), with a ``mailto:`` link to the site's
  unsubscribe mailbox whose subject holds the message's token;
* ``List-Unsubscribe: <mailto:…?subject=unsubscribe%20TOKEN>`` and, when the site declares an
  HTTPS endpoint, ``<https://…?t=TOKEN>`` first with ``List-Unsubscribe-Post:
  List-Unsubscribe=One-Click`` (RFC 8058; the site's DKIM signature must cover both headers).

The ``Message-ID`` is chosen by Cible (:func:`new_message_id`) and stored in the journal before
the message leaves. Opens are not tracked: no pixel, no rewritten link.
"""

from __future__ import annotations

import email.utils
import html
import re
import secrets
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP

from app.export.email.settings import SiteSender
from app.export.email.templates import CompiledTemplate, html_to_text
from app.i18n import _
from app.models.email import EmailKind

UNSUBSCRIBE_WORD = "unsubscribe"
_TOKEN_IN_TEXT = re.compile(r"\bunsubscribe(?:[ _:-]|%20)+([0-9a-f]{32})\b", re.IGNORECASE)


def new_token() -> str:
    return secrets.token_hex(16)


def new_message_id(from_address: str) -> str:
    """``<hex>.cible@domain`` (without angle brackets), unique and chosen before sending."""
    domain = from_address.rpartition("@")[2].strip().lower() or "cible.invalid"
    return f"{uuid.uuid4().hex}.cible@{domain}"


def token_in(text: str) -> str | None:
    """The unsubscribe token written in *text* (a subject or a body), if any."""
    match = _TOKEN_IN_TEXT.search(text or "")
    return match.group(1).lower() if match else None


def unsubscribe_mailto(sender: SiteSender, token: str) -> str:
    return f"mailto:{sender.unsubscribe_mailbox()}?subject={UNSUBSCRIBE_WORD}%20{token}"


def unsubscribe_url(sender: SiteSender, token: str) -> str | None:
    url = sender.unsubscribe_url.strip()
    if not url.lower().startswith("https://"):
        return None
    return f"{url}{'&' if '?' in url else '?'}t={token}"


@dataclass
class Built:
    message_id: str
    token: str
    subject: str
    content: bytes


def _footer_html(sender: SiteSender, token: str, kind: EmailKind, lang: str | None) -> str:
    parts = []
    if sender.signature_html.strip():
        parts.append(f'<div class="signature">{sender.signature_html}</div>')
    lines = []
    if sender.postal_address.strip():
        lines.append(html.escape(sender.postal_address.strip()))
    if kind is EmailKind.MARKETING:
        link = html.escape(unsubscribe_url(sender, token) or unsubscribe_mailto(sender, token))
        lines.append(
            _(
                "To stop receiving our e-mails, {start}unsubscribe here{end} (or reply with "
                "the word “unsubscribe”).",
                lang,
            ).format(start=f'<a href="{link}">', end="</a>")
        )
    if lines:
        parts.append(
            '<p style="font-size:12px;color:#666;margin-top:24px">' + "<br>".join(lines) + "</p>"
        )
    return "".join(parts)


def _footer_text(sender: SiteSender, token: str, kind: EmailKind, lang: str | None) -> str:
    lines = []
    if sender.postal_address.strip():
        lines.append(sender.postal_address.strip())
    if kind is EmailKind.MARKETING:
        lines.append(
            _("To stop receiving our e-mails: {link}", lang).format(
                link=unsubscribe_url(sender, token) or unsubscribe_mailto(sender, token)
            )
        )
    return ("\n\n-- \n" + "\n".join(lines) + "\n") if lines else ""


def _insert_before_body_end(document: str, extra: str) -> str:
    index = document.lower().rfind("</body>")
    if index < 0:
        return document + extra
    return document[:index] + extra + document[index:]


def build(
    template: CompiledTemplate,
    values: dict[str, str],
    *,
    to_address: str,
    to_name: str,
    sender: SiteSender,
    kind: EmailKind,
    lang: str | None = None,
    message_id: str | None = None,
    token: str | None = None,
    signature_text: str = "",
) -> Built:
    """The complete message for one recipient (bytes ready for SMTP DATA or a .eml file)."""
    token = token or new_token()
    message_id = message_id or new_message_id(sender.from_address)
    subject, body_html, body_text = template.render(values)
    body_html = _insert_before_body_end(body_html, _footer_html(sender, token, kind, lang))
    if not signature_text and sender.signature_html.strip():
        signature_text = "\n" + html_to_text(sender.signature_html)  # the same signature
    body_text = body_text + (signature_text or "") + _footer_text(sender, token, kind, lang)
    msg = EmailMessage(policy=SMTP)
    msg["From"] = email.utils.formataddr((sender.from_name.strip(), sender.from_address.strip()))
    msg["To"] = email.utils.formataddr((to_name, to_address))
    msg["Subject"] = subject
    msg["Date"] = email.utils.formatdate(localtime=True)
    msg["Message-ID"] = f"<{message_id}>"
    if sender.reply_to.strip():
        msg["Reply-To"] = sender.reply_to.strip()
    if kind is EmailKind.MARKETING:
        links = [f"<{unsubscribe_mailto(sender, token)}>"]
        one_click = unsubscribe_url(sender, token)
        if one_click:
            links.insert(0, f"<{one_click}>")
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        msg["List-Unsubscribe"] = ", ".join(links)
    msg["X-Cible-Token"] = token
    msg.set_content(body_text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(body_html, subtype="html", charset="utf-8", cte="quoted-printable")
    if template.images:
        html_part = msg.get_payload()[1]
        for cid, (data, subtype) in template.images.items():
            html_part.add_related(
                data, maintype="image", subtype=subtype, cid=f"<{cid}>", disposition="inline"
            )
    return Built(message_id, token, subject, msg.as_bytes())
