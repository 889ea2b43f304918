"""The acta of a session: its text generated from the session (or the secretariat's edited
text), and that text as a Word document (python-docx) and a PDF (WeasyPrint).

The text is plain: a line "# …" is the title, "## …" a section's heading, "- …" an entry of a
list, any other line a paragraph. So what the secretariat edits is what is printed.
"""

from io import BytesIO

from sqlmodel import Session

from app.amendments.models import status_names as amendment_status_names
from app.consensus.rules import stance_names
from app.core.i18n import _, format_date, format_datetime
from app.meetings import service
from app.meetings.models import Meeting, outcome_names
from app.members.models import sector_names


def generated_text(session: Session, meeting: Meeting) -> str:
    view = service.session_view(session, meeting)
    sectors, outcomes = sector_names(), outcome_names()
    lines = [
        "# " + _("Acta of session %(n)s", n=meeting.number),
        f"## {view.draft.title}",
        meeting.title,
        _("Date: %(date)s (Peru time)", date=format_datetime(meeting.starts_at)),
        _("Place: %(place)s", place=meeting.place),
        "## " + _("Attendance"),
        view.quorum.phrase(),
    ]
    for group in view.groups:
        names = ", ".join(member.name for member in group.members)
        sector = sectors.get(group.sector, group.sector)
        lines.append(f"- {group.organization} ({sector}): {names}")
    lines.append("## " + _("Agenda"))
    lines += [f"- {place}. {item.label}" for place, item in enumerate(view.items, start=1)]
    lines.append("## " + _("Decisions"))
    decided = [item for item in view.items if item.decision is not None]
    if not decided and not view.approvals:
        lines.append(_("No decision was taken."))
    for item in decided:
        assert item.decision is not None
        outcome = outcomes.get(item.decision.outcome, item.decision.outcome)
        lines.append(f"- {item.label}: {outcome}. {item.decision.text}")
        if item.decision.amendment_status:
            status = amendment_status_names().get(item.decision.amendment_status, "")
            version = item.decision.result_version
            lines.append(
                "  "
                + _(
                    "Amendment %(status)s in session; resulting version: %(version)s.",
                    status=status.lower(),
                    version=version if version else "—",
                )
            )
    for decision, earlier in view.approvals:
        outcome = outcomes.get(decision.outcome, decision.outcome)
        acta = _("Acta of session %(n)s", n=earlier.number)
        lines.append(f"- {acta}: {outcome}. {decision.text}")
    if view.declared:
        lines.append("## " + _("Positions declared in session"))
        stances = stance_names()
        for position, member, label in view.declared:
            reason = f" — {position.reason}" if position.reason else ""
            who = f"{member.organization or member.name}"
            stance = stances.get(position.stance, position.stance)
            lines.append(f"- {who}, {label}: {stance}{reason}")
    return "\n".join(lines) + "\n"


def text_of(session: Session, meeting: Meeting) -> str:
    """The edited acta if the secretariat edited it, else the one generated now."""
    return meeting.minutes_text or generated_text(session, meeting)


def standing(session: Session, meeting: Meeting) -> str:
    """Whether the acta is approved, and where and when; or that it is still a draft. Not
    part of the text the secretariat edits: a draft acta must not pass for an approved one."""
    if meeting.minutes_approved_in_id is None or meeting.minutes_approved_at is None:
        return _("Draft acta: awaiting approval in a later session.")
    approving = service.get_meeting(session, meeting.minutes_approved_in_id)
    return _(
        "Approved in session %(n)s, on %(date)s.",
        n=approving.number,
        date=format_date(meeting.minutes_approved_at, "long"),
    )


def document_text(session: Session, meeting: Meeting) -> str:
    """The acta as it is filed: its text, with its standing under the title."""
    lines = text_of(session, meeting).splitlines()
    at = 1 if lines and lines[0].startswith("# ") else 0
    return "\n".join([*lines[:at], standing(session, meeting), *lines[at:]]) + "\n"


def blocks(text: str) -> list[tuple[str, str]]:
    """Each line of the acta as (kind, text): title, heading, entry or paragraph."""
    found = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("## "):
            found.append(("heading", stripped[3:]))
        elif stripped.startswith("# "):
            found.append(("title", stripped[2:]))
        elif stripped.startswith("- "):
            found.append(("entry", stripped[2:]))
        else:
            found.append(("paragraph", stripped))
    return found


def render_docx(text: str) -> bytes:
    from docx import Document

    from app.core.escaping import xml_text

    word = Document()
    for kind, line in blocks(text):
        line = xml_text(line)
        if kind == "title":
            word.add_heading(line, level=0)
        elif kind == "heading":
            word.add_heading(line, level=1)
        elif kind == "entry":
            word.add_paragraph(line, style="List Bullet")
        else:
            word.add_paragraph(line)
    out = BytesIO()
    word.save(out)
    return out.getvalue()


def render_pdf(text: str, title: str) -> bytes:
    # Imported here: WeasyPrint needs Pango, which only printing should require.
    from weasyprint import HTML

    from app.core.templating import environment

    page = environment.get_template("meetings/minutes_print.html").render(
        title=title, blocks=blocks(text)
    )
    printed: bytes = HTML(string=page).write_pdf()
    return printed
