"""The versions each provision went through between an export's base and its text, and who made
each: read in a few queries, whatever the draft's size, for app/export/changes.py to credit."""

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from app.amendments.models import Amendment, AmendmentKind, AmendmentSource, AmendmentStatus
from app.audit.models import AuditEvent
from app.core.i18n import _
from app.core.models import utcnow
from app.drafts import structure
from app.drafts.models import Provision, ProvisionVersion, VersionSource
from app.export.changes import Credit, History, Proposal, Step
from app.export.document import ExportDocument, ExportProvision
from app.intake.models import Receipt
from app.intake.service import Credit as Contributor
from app.intake.service import credit as credited
from app.members.models import Member, sector_names

# Who a change is credited to when no amendment made it. As the law prints it: Spanish.
SECRETARIAT = "Secretaría Técnica"


def unaccounted(document: ExportDocument) -> Credit:
    """Whom a change no version accounts for is credited to (a renumbering): the secretariat,
    when the exported text was fixed."""
    fixed = document.snapshot.created_at if document.snapshot else document.generated_at
    return Credit(SECRETARIAT, fixed)


def load(session: Session, document: ExportDocument, base: ExportDocument) -> dict[str, History]:
    """Each provision's history from `base` to `document`, by uid; none where nothing changed."""
    old = {p.uid: p for p in base.provisions}
    new = {p.uid: p for p in document.provisions}
    pairs = {
        uid: (new.get(uid), old.get(uid))
        for uid in new.keys() | old.keys()
        if uid not in old or uid not in new or old[uid].version != new[uid].version
    }
    ids = {(n or o).provision_id for n, o in pairs.values() if n or o}  # type: ignore[union-attr]
    versions: dict[int, list[ProvisionVersion]] = {}
    for version in session.exec(
        select(ProvisionVersion)
        .where(col(ProvisionVersion.provision_id).in_(ids))
        .order_by(col(ProvisionVersion.provision_id), col(ProvisionVersion.number))
    ).all():
        versions.setdefault(version.provision_id, []).append(version)
    # Stored texts bind their numbers: every step is shown with the exported text's numbers, so
    # a renumbering is no change and the steps line up with the text the diff is made of.
    uids = {p.provision_id: p.uid for p in [*base.provisions, *document.provisions]}

    def shown(provision_id: int, text: str) -> str:
        return structure.render(text, document.numbering, own_uid=uids.get(provision_id))

    credits = _Credits(session, [v for vs in versions.values() for v in vs], shown)
    cutoff = document.snapshot.created_at if document.snapshot else None
    histories = {}
    for uid, (now, then) in pairs.items():
        either = now or then
        assert either is not None
        history = _history(versions.get(either.provision_id, []), now, then, cutoff, credits, shown)
        if then is not None and now is None:
            removal = credits.removal(either)
            history = History(
                (*history.headings, Step("", removal)),
                (*history.texts, Step("", removal)),
                removal,
            )
        histories[uid] = history
    return histories


def _history(
    versions: Sequence[ProvisionVersion],
    now: ExportProvision | None,
    then: ExportProvision | None,
    cutoff: datetime | None,
    credits: "_Credits",
    shown_as: Callable[[int, str], str],
) -> History:
    start = then.version if then else 0
    if now is not None:
        end = now.version
    else:  # removed: every version it had by the time of the exported text
        kept = [v.number for v in versions if cutoff is None or v.created_at <= cutoff]
        end = max(kept, default=start)
    by_number = {v.number: v for v in versions}
    if end >= start:
        walk = [(by_number[n], by_number[n]) for n in range(start + 1, end + 1) if n in by_number]
    else:  # a base later than the exported text: each step undoes a version, credited to it
        walk = [(by_number[n - 1], by_number[n]) for n in range(start, end, -1)]
    headings, texts = [], []
    for shown, made_by in walk:
        credit, drawn_on = credits.of(made_by)
        headings.append(Step(shown.heading, credit, tuple(p for p, _t in drawn_on)))
        text = shown_as(shown.provision_id, shown.text)
        texts.append(Step(text, credit, tuple(t for _p, t in drawn_on)))
    created = texts[0].credit if then is None and texts else None
    return History(tuple(headings), tuple(texts), created)


class _Credits:
    """Credits for versions, from their amendments and their authors, fetched once."""

    def __init__(
        self,
        session: Session,
        versions: Iterable[ProvisionVersion],
        shown: Callable[[int, str], str],
    ) -> None:
        self.session = session
        self.shown = shown
        self.sectors = sector_names()
        made_by = {v.amendment_id for v in versions if v.amendment_id is not None}
        cited = session.exec(
            select(AmendmentSource).where(col(AmendmentSource.amendment_id).in_(made_by))
        ).all()
        self.cited: dict[int, list[int]] = {}
        for row in cited:
            self.cited.setdefault(row.amendment_id, []).append(row.source_id)
        self.amendments = self._amendments(made_by | {row.source_id for row in cited})
        # The texts the amendments were written against, for a hand merge's proposals.
        wanted = [
            (a.provision_id, a.base_version)
            for a, _m in self.amendments.values()
            if a.base_version is not None
        ]
        self.base_texts = {
            (v.provision_id, v.number): v
            for v in session.exec(
                select(ProvisionVersion).where(
                    col(ProvisionVersion.provision_id).in_({p for p, _n in wanted})
                )
            ).all()
            if (v.provision_id, v.number) in set(wanted)
        }

    def _amendments(self, ids: set[int]) -> dict[int, tuple[Amendment, Contributor]]:
        rows = self.session.exec(
            select(Amendment, Member, Receipt)
            .join(Member, col(Member.id) == Amendment.author_id)
            .outerjoin(Receipt, col(Receipt.id) == Amendment.receipt_id)
            .where(col(Amendment.id).in_(ids))
        ).all()
        return {a.id: (a, credited(m, r, a.created_at)) for a, m, r in rows if a.id is not None}

    def amendment(
        self, amendment: Amendment, author: Contributor, decided_at: datetime | None = None
    ) -> Credit:
        """Credited to its author's organization (or, entered for someone who wrote through
        another channel, theirs), at its decision (or the merge that took it)."""
        organization = author.organization or author.name
        named = {
            "id": amendment.id,
            "organization": organization,
            "sector": self.sectors.get(author.sector, author.sector),
        }
        reason = amendment.decision_reason
        return Credit(
            organization,
            decided_at or amendment.decided_at or amendment.created_at,
            _(
                "Amendment %(id)s — %(organization)s (%(sector)s): %(reason)s",
                **named,
                reason=reason,
            )
            if reason
            else _("Amendment %(id)s — %(organization)s (%(sector)s)", **named),
        )

    def of(self, version: ProvisionVersion) -> tuple[Credit, list[tuple[Proposal, Proposal]]]:
        """The version's credit and, for a hand merge, each cited amendment's (heading, text)
        proposals; the credit is then the secretariat's decision naming them."""
        found = self.amendments.get(version.amendment_id or 0)
        if version.source != VersionSource.AMENDMENT or found is None:
            reason = version.reason or ""
            source = (
                _("Secretariat edit: %(reason)s", reason=reason)
                if version.source == VersionSource.EDIT
                else _("Text as imported")
            )
            return Credit(SECRETARIAT, version.created_at, source), []
        amendment, author = found
        if amendment.status != AmendmentStatus.ACCEPTED_MODIFIED:
            return self.amendment(amendment, author), []
        ids = [amendment.id or 0, *sorted(self.cited.get(amendment.id or 0, []))]
        decided_at = amendment.decided_at or version.created_at
        drawn_on = [
            self._proposals(*self.amendments[i], decided_at) for i in ids if i in self.amendments
        ]
        decision = Credit(
            SECRETARIAT,
            decided_at,
            _(
                "Secretariat's merge of amendments %(ids)s: %(reason)s",
                ids=", ".join(str(i) for i in ids),
                reason=amendment.decision_reason or "",
            ),
        )
        return decision, drawn_on

    def _proposals(
        self, amendment: Amendment, author: Contributor, merged_at: datetime
    ) -> tuple[Proposal, Proposal]:
        """What a merged amendment proposed; its words entered the text with the merge."""
        base = self.base_texts.get((amendment.provision_id, amendment.base_version or 0))
        before_heading, before_text = (
            (base.heading, self.shown(base.provision_id, base.text)) if base else ("", "")
        )
        credit = self.amendment(amendment, author, merged_at)
        heading = amendment.heading if amendment.heading is not None else before_heading
        return (
            Proposal(before_heading, heading, credit),
            Proposal(before_text, self.shown(amendment.provision_id, amendment.text or ""), credit),
        )

    def removal(self, provision: ExportProvision) -> Credit:
        """The accepted amendment that deleted it, else the secretariat with its reason."""
        deleting = self.session.exec(
            select(Amendment, Member, Receipt)
            .join(Member, col(Member.id) == Amendment.author_id)
            .outerjoin(Receipt, col(Receipt.id) == Amendment.receipt_id)
            .where(
                Amendment.provision_id == provision.provision_id,
                Amendment.kind == AmendmentKind.DELETE,
                Amendment.status == AmendmentStatus.ACCEPTED,
            )
        ).first()
        if deleting is not None:
            amendment, author, receipt = deleting
            return self.amendment(amendment, credited(author, receipt, amendment.created_at))
        event = self.session.exec(
            select(AuditEvent)
            .where(
                AuditEvent.action == "provision.deleted",
                AuditEvent.object == f"provision:{provision.uid}",
            )
            .order_by(col(AuditEvent.seq).desc())
        ).first()
        if event is not None:
            reason = str(event.details.get("reason", ""))
            return Credit(
                SECRETARIAT, event.at, _("Removed by the secretariat: %(reason)s", reason=reason)
            )
        removed = self.session.get(Provision, provision.provision_id)
        moment = removed.removed_at if removed and removed.removed_at else utcnow()
        return Credit(SECRETARIAT, moment, "")
