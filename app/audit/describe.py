"""The record in words: one sentence for each action ("Lucía Quispe congeló la instantánea
«Borrador 2»"), its object linked where it has a page. No DB: the router hands in the links."""

import re
from collections.abc import Callable, Mapping
from typing import Any

from markupsafe import Markup, escape

from app.audit.models import AuditEvent
from app.core.i18n import N_, _, current_language

# Each action's sentence. %(who)s is the actor; %(what)s the object, linked; the rest come from
# the event's details. tests/audit/test_describe.py fails when an action of the code has none.
SENTENCES: dict[str, str] = {
    "draft.imported": N_("%(who)s imported the draft %(what)s (%(provisions)s provisions)"),
    "draft.phase_changed": N_("%(who)s moved %(what)s to the phase «%(phase)s»"),
    "draft.numbering_changed": N_("%(who)s changed the numbering of %(what)s: %(numbering)s"),
    "draft.exported": N_("%(who)s exported %(what)s as %(format)s"),
    "motives.revised": N_(
        "%(who)s revised the exposición de motivos of %(what)s (version %(version)s)"
    ),
    "provision.revised": N_("%(who)s revised %(what)s (version %(version)s)"),
    "provision.inserted": N_("%(who)s inserted %(what)s"),
    "provision.deleted": N_("%(who)s deleted %(what)s"),
    "provision.repealed": N_("%(who)s repealed %(what)s"),
    "provision.modifies_set": N_("%(who)s set which article of a law in force %(what)s modifies"),
    "provision.moved": N_("%(who)s moved %(from)s, now %(what)s"),
    "snapshot.frozen": N_("%(who)s froze the snapshot %(what)s"),
    "amendment.submitted": N_("%(who)s proposed %(what)s to %(clause)s"),
    "amendment.accepted": N_("%(who)s accepted %(what)s to %(clause)s"),
    "amendment.accepted_modified": N_("%(who)s accepted with changes %(what)s to %(clause)s"),
    "amendment.rejected": N_("%(who)s did not accept %(what)s"),
    "amendment.withdrawn": N_("%(who)s withdrew %(what)s"),
    "amendment.supported": N_("%(who)s adhered to %(what)s"),
    "amendment.support_withdrawn": N_("%(who)s withdrew their adhesion to %(what)s"),
    "amendment.proposal_published": N_(
        "%(who)s published the secretariat's proposal on %(what)s: %(proposal)s"
    ),
    "amendment.support_rule_changed": N_(
        "%(who)s changed the support an amendment of %(what)s needs to reach the merge queue"
    ),
    "comment.added": N_("%(who)s commented on %(what)s"),
    "comment.edited": N_("%(who)s edited %(what)s"),
    "comment.hidden": N_("%(who)s hid %(what)s"),
    "comment.disposed": N_("%(who)s answered %(what)s for the matrix of contributions"),
    "position.recorded": N_("%(who)s took a position on %(what)s: %(stance)s"),
    "consensus.rule_changed": N_("%(who)s changed the consensus rule of %(what)s"),
    "round.opened": N_("%(who)s opened the consensus round %(what)s"),
    "round.closed": N_("%(who)s closed %(what)s"),
    "workshop.registered": N_(
        "%(who)s recorded the workshop %(what)s (%(region)s, %(participants)s participants)"
    ),
    "workshop.stance_recorded": N_("%(who)s recorded the position of «%(workshop)s» on %(what)s"),
    "summary.written": N_("%(who)s wrote the plain-language summary of %(what)s (%(language)s)"),
    "coverage.rule_changed": N_(
        "%(who)s changed the regions a round of %(what)s must hear from before it closes"
    ),
    "meeting.convened": N_("%(who)s convened %(what)s"),
    "meeting.started": N_("%(who)s opened %(what)s"),
    "meeting.concluded": N_("%(who)s concluded %(what)s"),
    "meeting.agenda_set": N_("%(who)s set the agenda of %(what)s"),
    "meeting.attendance_recorded": N_("%(who)s recorded the attendance of %(what)s"),
    "meeting.decided": N_("%(who)s recorded a decision of %(what)s: %(outcome)s"),
    "meeting.minutes_edited": N_("%(who)s edited the acta of %(what)s"),
    "meeting.minutes_approved": N_("%(who)s recorded the approval of the acta of %(what)s"),
    "member.added": N_("%(who)s added %(what)s to the working group (%(role)s)"),
    "member.invited": N_("%(who)s invited %(what)s"),
    "member.joined": N_("%(who)s joined the working group"),
    "member.password_reset": N_("%(who)s set a new password with a link"),
    "member.role_changed": N_("%(who)s changed the role of %(what)s from %(before)s to %(after)s"),
    "member.deactivated": N_("%(who)s deactivated the account of %(what)s"),
    "member.reactivated": N_("%(who)s reactivated the account of %(what)s"),
    "sign_in": N_("%(who)s signed in"),
    "sign_in.failed": N_("A sign-in failed"),
    "sign_out": N_("%(who)s signed out"),
    "sign_out.everywhere": N_("%(who)s signed out everywhere"),
    "sign_out.session": N_("%(who)s signed out one of their sessions"),
    "second_factor.enabled": N_("%(who)s turned on two-factor sign-in"),
    "second_factor.disabled": N_("%(who)s turned off two-factor sign-in"),
    "second_factor.recovery_codes_renewed": N_("%(who)s renewed their recovery codes"),
    "token.created": N_("%(who)s created the API token «%(name)s»"),
    "token.revoked": N_("%(who)s revoked an API token"),
}  # fmt: skip

# The kinds of event a reader filters by: each a name and the actions it gathers.
# Each name stands for itself and its dotted children ("amendment": "amendment.accepted", …).
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "text": (
        N_("Changes to the text"),
        ("provision", "motives", "draft.imported", "draft.numbering_changed"),
    ),
    "amendments": (N_("Amendments and decisions"), ("amendment",)),
    "comments": (N_("Comments"), ("comment",)),
    "positions": (N_("Positions and consensus"), ("position", "consensus", "round")),
    "snapshots": (N_("Snapshots and exports"), ("snapshot", "draft.exported")),
    "phases": (N_("Phases of the draft"), ("draft.phase_changed",)),
    "workshops": (N_("Workshops and summaries"), ("workshop", "summary", "coverage")),
    "sessions": (N_("Working-group sessions"), ("meeting",)),
    "members": (N_("Members of the working group"), ("member",)),
    "account": (
        N_("Sign-ins and account security"),
        ("sign_in", "sign_out", "second_factor", "token"),
    ),
}  # fmt: skip

PHASES = {
    "open": N_("Open for comments and amendments"),
    "consolidation": N_("Consolidation"),
    "closed": N_("Closed"),
}
NUMBERING = {
    "renumber": N_("articles are numbered by their place"),
    "fixed": N_("articles keep their numbers"),
}
STANCES = {
    "support": N_("Support"),
    "support_with_reservations": N_("Support with reservations"),
    "abstain": N_("Abstain"),
    "object": N_("Object"),
    "block": N_("Block"),
}
PROPOSALS = {
    "accept": N_("accept"),
    "accept_modified": N_("accept with modifications"),
    "reject": N_("do not accept"),
}
# A decision taken after the secretariat published its proposed handling says whether it
# followed it.
FOLLOWED = {
    True: N_("as the secretariat had proposed"),
    False: N_("departing from the secretariat's proposal"),
}
OUTCOMES = {
    "acuerdo": N_("agreement"),
    "acuerdo_con_reservas": N_("agreement with reservations"),
    "sin_acuerdo": N_("no agreement"),
    "postergado": N_("postponed"),
}
ROLES = {
    "observer": N_("Observer"),
    "member": N_("Member"),
    "secretariat": N_("Secretariat"),
    "admin": N_("Administrator"),
}
# How a contribution entered for someone reached the secretariat (app/intake/models.py).
CHANNELS = {"email": N_("E-mail"), "front_desk": N_("Front desk"), "workshop": N_("Workshop")}
LANGUAGES = {"es": N_("Spanish"), "qu": N_("Quechua"), "ay": N_("Aymara")}
_ARTICLE = re.compile(r"Artículo (\S+?)\.?$")
# Spanish contracts a + el and de + el; the sentences are written with the full forms.
_CONTRACTIONS = ((" a el ", " al "), (" de el ", " del "))


def clause_phrase(label: str) -> str:
    """A provision as a sentence names it: "el artículo 12", "la disposición PRIMERA"."""
    article = _ARTICLE.match(label.strip())
    if article:
        return _("article %(number)s", number=article[1])
    return _("provision %(label)s", label=label.strip().rstrip("."))


class _Values(dict[str, Any]):
    """A sentence's values; one the event lacks reads as nothing rather than failing."""

    def __missing__(self, key: str) -> str:
        return ""


def _object_words(event: AuditEvent, names: Mapping[str, str]) -> str:
    """What the event is about, in words: the text its link shows."""
    kind, _sep, key = event.object.partition(":")
    details = event.details
    if kind == "provision":
        return clause_phrase(str(details.get("to") or details.get("label") or ""))
    if kind == "amendment":
        return _("amendment %(n)s", n=key)
    if kind == "comment":
        if event.action == "comment.added":
            return clause_phrase(str(details.get("label", "")))
        return _("comment %(n)s", n=key)
    if kind == "snapshot":
        return f"«{details.get('label', key)}»"
    if kind == "workshop":
        return f"«{details.get('title', key)}»"
    if kind == "session":
        return _("session %(n)s", n=details.get("number", key))
    if kind == "round":
        return f"«{details['title']}»" if "title" in details else _("round %(n)s", n=key)
    if kind in ("draft", "member"):
        return names.get(event.object, key)
    return event.object


def describe(
    event: AuditEvent,
    *,
    link: Callable[[AuditEvent], str | None],
    actor_link: str | None,
    names: Mapping[str, str],
) -> Markup:
    """The event's sentence, its actor and object linked. `names`: "draft:slug" and "member:7"
    → their names; `link(event)`: the URL of what the event is about, if it has a page."""
    action = event.action
    if action == "amendment.accepted" and event.details.get("status") == "accepted_modified":
        action = "amendment.accepted_modified"
    sentence = SENTENCES.get(action)
    if sentence is None:  # an action recorded before its sentence was written
        return escape(f"{event.actor_name} · {event.action} · {event.object}")
    details = event.details
    url = link(event)
    what = escape(_object_words(event, names))
    who = escape(event.actor_name)
    values = _Values(details)
    values.update(
        who=Markup('<a href="{}"><bdi>{}</bdi></a>').format(actor_link, who) if actor_link else who,
        what=Markup('<a href="{}">{}</a>').format(url, what) if url else what,
        clause=clause_phrase(str(details.get("label", ""))),
        phase=_(PHASES.get(str(details.get("after")), str(details.get("after", "")))),
        numbering=_(NUMBERING.get(str(details.get("after")), str(details.get("after", "")))),
        stance=_(STANCES.get(str(details.get("stance")), str(details.get("stance", "")))),
        proposal=_(PROPOSALS.get(str(details.get("proposal")), str(details.get("proposal", "")))),
        language=_(LANGUAGES.get(str(details.get("language")), str(details.get("language", "")))),
        outcome=_(OUTCOMES.get(str(details.get("outcome")), str(details.get("outcome", "")))),
        role=_(ROLES.get(str(details.get("role")), str(details.get("role", "")))),
        before=_(ROLES.get(str(details.get("before")), str(details.get("before", "")))),
        after=_(ROLES.get(str(details.get("after")), str(details.get("after", "")))),
        **{"from": clause_phrase(str(details.get("from", "")))},
    )
    text = escape(_(sentence)) % values  # the values are escaped, the links kept
    followed = details.get("followed_proposal")
    if action != "amendment.proposal_published" and isinstance(followed, bool):
        text += Markup(" (") + _(FOLLOWED[followed]) + Markup(")")
    channel = details.get("channel")
    if channel in CHANNELS and action in ("comment.added", "amendment.submitted"):
        text += Markup(" — ") + _("received by %(channel)s", channel=_(CHANNELS[str(channel)]))
        if details.get("workshop"):
            text += Markup(": ") + escape(str(details["workshop"]))
    in_session = details.get("session")
    if isinstance(in_session, dict) and "number" in in_session:
        if "on_behalf_of" in details:
            text += Markup(" ") + _(
                "(declared in session %(n)s on behalf of %(name)s)",
                n=in_session["number"],
                name=details["on_behalf_of"],
            )
        else:
            text += Markup(" ") + _("(in session %(n)s)", n=in_session["number"])
    if current_language.get() == "es":
        for full, short in _CONTRACTIONS:
            text = text.replace(full, short)
    return text
