"""Every change in the exports credited to whoever made it: three organizations' amendments, one
rebased onto another, two merged by hand, an inserted and a deleted article, a secretariat edit;
read in the tracked-changes DOCX XML (w:author, w:date) and the cuadro comparativo's rows."""

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from zipfile import ZipFile

import docx
import pytest
from lxml import etree
from sqlmodel import Session

from app.amendments import service as amendments
from app.amendments.models import Amendment
from app.core.i18n import _
from app.drafts import editing, snapshots
from app.drafts.models import Draft
from app.export import changes
from app.export import service as exports
from app.export.changes import Credit, Proposal, Step
from app.export.history import SECRETARIAT
from app.members.models import Member
from tests.factories import make_draft, make_member, uid_of

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FEDERATION, OMBUDSMAN, UNIVERSITY = "Federación de Mineros", "Defensoría del Pueblo", "UNI"


@dataclass
class Story:
    draft: Draft
    base: str  # the snapshot compared with
    target: str  # the snapshot exported
    decided: dict[str, Amendment]  # by a short name
    uids: dict[str, str]


def day(n: int) -> datetime:
    return datetime(2025, 3, n, 15, 0, tzinfo=UTC)


def decided_on(db: Session, amendment: Amendment, when: datetime) -> None:
    """As if the secretariat had decided it on that day: the tests run within one second."""
    amendment.decided_at = when
    db.add(amendment)
    db.flush()


def propose(db: Session, author: Member, draft: Draft, label: str, **fields: object) -> Amendment:
    fields.setdefault("kind", "modify")
    fields.setdefault("base_version", 1)
    return amendments.submit_amendment(
        db,
        author,
        draft,
        target_uid=uid_of(db, draft, label),
        rationale="Fundamento",
        **fields,  # type: ignore[arg-type]
    )


@pytest.fixture
def story(db: Session) -> Story:
    draft = make_draft(db)
    secretariat = make_member(db, role="secretariat", name="Ana Quispe")
    federation = make_member(
        db, name="Juana Mamani", organization=FEDERATION, sector="miners_organization"
    )
    ombudsman = make_member(db, name="Rosa Villanueva", organization=OMBUDSMAN, sector="ombudsman")
    university = make_member(db, name="Luis Paredes", organization=UNIVERSITY, sector="academia")
    base = snapshots.freeze_snapshot(db, secretariat, draft, "Borrador 1")
    uids = {
        label: uid_of(db, draft, label)
        for label in ("Artículo 1.", "Artículo 2.", "Artículo 3.", "Artículo 4.")
    }
    decided: dict[str, Amendment] = {}

    # Artículo 1: the federation's amendment, then the ombudsman's rebased onto it.
    first = propose(
        db, federation, draft, "Artículo 1.",
        text="La presente Ley tiene por objeto promover y ordenar la formalización.",
    )  # fmt: skip
    second = propose(
        db, ombudsman, draft, "Artículo 1.",
        text="La presente Ley tiene por objeto promover la formalización minera.",
    )  # fmt: skip
    amendments.accept(db, secretariat, draft, first, expected_version=1, reason="Precisa")
    decided_on(db, first, day(3))
    rebased = amendments.accept(db, secretariat, draft, second, expected_version=2, reason="Acota")
    assert rebased.version == 3
    decided_on(db, second, day(4))

    # Artículo 4: the federation's and the ombudsman's amendments collide; the secretariat
    # merges them by hand, accepting the ombudsman's and citing the federation's; then the
    # university renames the article.
    free = propose(db, federation, draft, "Artículo 4.", text="El registro es público y gratuito.")
    open_ = propose(db, ombudsman, draft, "Artículo 4.", text="El registro es público y accesible.")
    amendments.accept(
        db, secretariat, draft, open_, expected_version=1, reason="Se integran ambas",
        text="El registro es público, gratuito y accesible.", sources=[free.id or 0],
    )  # fmt: skip
    decided_on(db, open_, day(5))
    renamed = propose(
        db, university, draft, "Artículo 4.", base_version=2,
        text="El registro es público, gratuito y accesible.", heading="Registro nacional",
    )  # fmt: skip
    amendments.accept(db, secretariat, draft, renamed, expected_version=2, reason="Claridad")
    decided_on(db, renamed, day(6))

    # A new article after Artículo 4, proposed by the university.
    inserted = propose(
        db, university, draft, "Artículo 4.", kind="insert", base_version=None,
        heading="Plazo", text="El registro se implementa en un año.",
    )  # fmt: skip
    accepted = amendments.accept(
        db, secretariat, draft, inserted, expected_version=None, reason="Útil"
    )
    uids["new"] = accepted.uid
    decided_on(db, inserted, day(7))

    # The federation's deletion of Artículo 2, and a secretariat edit of Artículo 3.
    gone = propose(db, federation, draft, "Artículo 2.", kind="delete")
    amendments.accept(db, secretariat, draft, gone, expected_version=1, reason="Redundante")
    decided_on(db, gone, day(8))
    editing.revise(
        db, secretariat, draft, uid=uids["Artículo 3."], expected_version=1,
        text="Para efectos de la presente Ley se entiende por minero artesanal a quien trabaja "
        "en forma personal.", heading=None, reason="Redacción",
    )  # fmt: skip
    target = snapshots.freeze_snapshot(db, secretariat, draft, "Borrador 2")
    db.commit()
    decided.update(first=first, second=second, free=free, open=open_, renamed=renamed)
    decided.update(inserted=inserted, gone=gone)
    return Story(draft, str(base.id), str(target.id), decided, uids)


def w_date(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def tracked(db: Session, story: Story) -> etree._Element:
    file = exports.render(db, story.draft, "docx-tracked", story.target, story.base)
    with ZipFile(io.BytesIO(file.content)) as package:
        return etree.fromstring(package.read("word/document.xml"))


def revisions(paragraph: etree._Element) -> list[tuple[str, str, str, str]]:
    """(ins or del, author, date, text) of each revision in a paragraph, in order."""
    found = []
    for mark in paragraph.iter(f"{W}ins", f"{W}del"):
        if mark.getparent().tag == f"{W}rPr":  # a paragraph mark's own revision
            continue
        text = "".join(t.text or "" for t in mark.iter(f"{W}t", f"{W}delText"))
        kind = mark.tag.removeprefix(W)
        found.append((kind, mark.get(f"{W}author") or "", mark.get(f"{W}date") or "", text))
    return found


def paragraph_with(root: etree._Element, words: str) -> etree._Element:
    for paragraph in root.iter(f"{W}p"):
        if words in "".join(t.text or "" for t in paragraph.iter(f"{W}t", f"{W}delText")):
            return paragraph
    raise AssertionError(f"no paragraph holds {words!r}")


class TestTrackedChanges:
    def test_a_rebased_amendment_keeps_its_own_author_and_date(
        self, db: Session, story: Story
    ) -> None:
        paragraph = paragraph_with(tracked(db, story), "tiene por objeto promover")
        assert revisions(paragraph) == [
            ("ins", FEDERATION, w_date(day(3)), "y ordenar "),
            ("ins", OMBUDSMAN, w_date(day(4)), " minera"),
        ]

    def test_a_hand_merge_credits_each_cited_amendment_and_the_decision_the_rest(
        self, db: Session, story: Story
    ) -> None:
        root = tracked(db, story)
        merged = revisions(paragraph_with(root, "El registro es público"))
        by_author = {(author, text) for _kind, author, _date, text in merged}
        assert (FEDERATION, "gratuito") in by_author
        assert (OMBUDSMAN, "accesible") in by_author
        # The words neither amendment wrote (the comma, "y") are the secretariat's decision.
        connectives = [text for _kind, author, _d, text in merged if author == SECRETARIAT]
        assert connectives and all(t.strip() in {"", ",", "y", ", ", "y "} for t in connectives)
        # Every span of the merge is dated by the merge's decision, not by the snapshot.
        assert {date for _k, _a, date, _t in merged} == {w_date(day(5))}
        heading = revisions(paragraph_with(root, "Registro"))
        assert ("ins", UNIVERSITY, w_date(day(6)), " nacional") in heading

    def test_an_inserted_article_is_its_proposers_and_a_deletion_the_deleters(
        self, db: Session, story: Story
    ) -> None:
        root = tracked(db, story)
        new_text = revisions(paragraph_with(root, "se implementa en un año"))
        assert new_text == [
            ("ins", UNIVERSITY, w_date(day(7)), "El registro se implementa en un año.")
        ]
        header = revisions(paragraph_with(root, "Plazo"))
        assert {author for _k, author, _d, _t in header} == {UNIVERSITY}
        removed = revisions(paragraph_with(root, "Se aplica en todo el territorio"))
        assert {(kind, author) for kind, author, _d, _t in removed} == {("del", FEDERATION)}
        assert {date for _k, _a, date, _t in removed} == {w_date(day(8))}

    def test_a_secretariat_edit_is_the_secretariats(self, db: Session, story: Story) -> None:
        edited = revisions(paragraph_with(tracked(db, story), "minero artesanal"))
        assert edited and {author for _k, author, _d, _t in edited} == {SECRETARIAT}


def cuadro_rows(db: Session, story: Story) -> dict[str, list[str]]:
    """The DOCX cuadro's rows by their first cell's first line ("… (removed)" for a removed
    clause, which keeps its old label): each cell's text."""
    file = exports.render(db, story.draft, "docx", story.target, story.base)
    (table,) = docx.Document(io.BytesIO(file.content)).tables
    rows = {}
    for row in table.rows[1:]:
        label = row.cells[0].paragraphs[0].text
        if _("Removed") in row.cells[0].text:
            label += " (removed)"
        rows[label] = [cell.text for cell in row.cells]
    return rows


def source(amendment: Amendment, organization: str, sector: str) -> str:
    named = {"id": amendment.id, "organization": organization, "sector": sector}
    if amendment.decision_reason is None:  # cited in a merge, not decided itself
        return _("Amendment %(id)s — %(organization)s (%(sector)s)", **named)
    return _(
        "Amendment %(id)s — %(organization)s (%(sector)s): %(reason)s",
        **named,
        reason=amendment.decision_reason,
    )


class TestCuadro:
    def test_a_new_article_is_credited_on_its_own_row(self, db: Session, story: Story) -> None:
        rows = cuadro_rows(db, story)
        inserted = source(story.decided["inserted"], UNIVERSITY, _("Academia"))
        # After the deletion of Artículo 2: old 4 is Artículo 3, the new one Artículo 4.
        assert inserted in rows["Artículo 4."][3]
        assert inserted not in rows["Artículo 3."][3]
        assert _("Added") in rows["Artículo 4."][0]

    def test_each_row_names_every_source_of_its_changes(self, db: Session, story: Story) -> None:
        rows = cuadro_rows(db, story)
        miners, ombudsman = _("Miners' organizations"), _("Ombudsman's Office")
        first = rows["Artículo 1."][3]
        assert source(story.decided["first"], FEDERATION, miners) in first
        assert source(story.decided["second"], OMBUDSMAN, ombudsman) in first
        registry = rows["Artículo 3."][3]
        for name, organization, sector in (
            ("free", FEDERATION, miners),
            ("open", OMBUDSMAN, ombudsman),
            ("renamed", UNIVERSITY, _("Academia")),
        ):
            assert source(story.decided[name], organization, sector) in registry
        merge = _(
            "Secretariat's merge of amendments %(ids)s: %(reason)s",
            ids=f"{story.decided['open'].id}, {story.decided['free'].id}",
            reason="Se integran ambas",
        )
        assert merge in registry
        deleted = source(story.decided["gone"], FEDERATION, miners)
        assert deleted in rows["Artículo 2. (removed)"][3]
        assert _("Secretariat edit: %(reason)s", reason="Redacción") in rows["Artículo 2."][3]

    def test_only_changed_rows_and_the_untouched_ones_on_request(
        self, db: Session, story: Story
    ) -> None:
        rows = cuadro_rows(db, story)
        assert "Artículo I." not in rows and "PRIMERA." not in rows
        file = exports.render(db, story.draft, "docx", story.target, story.base, every_row=True)
        (table,) = docx.Document(io.BytesIO(file.content)).tables
        labels = [row.cells[0].paragraphs[0].text for row in table.rows[1:]]
        assert "Artículo I." in labels and "PRIMERA." in labels


ALPHA = Credit("Alfa", day(1), "Enmienda 1")
BETA = Credit("Beta", day(2), "Enmienda 2")
DECISION = Credit(SECRETARIAT, day(3), "Decisión")
FALLBACK = Credit(SECRETARIAT, day(9))


def credited(base: str, steps: list[Step]) -> list[tuple[str, str, str]]:
    ops = changes.diff(base, steps[-1].text)
    spans = changes.attribute(ops, base, steps, fallback=FALLBACK)
    return [(op, text, credit.author) for op, text, credit in spans if credit is not None]


@pytest.mark.parametrize(
    ("base", "steps", "expected"),
    [
        pytest.param(
            "a b c",
            [Step("a x b c", ALPHA), Step("a x b c y", BETA)],
            [("+", "x ", "Alfa"), ("+", " y", "Beta")],
            id="two steps, each its own insertion",
        ),
        pytest.param(
            "a b c",
            [Step("a b", ALPHA), Step("a", BETA)],
            [("-", " b", "Beta"), ("-", " c", "Alfa")],
            id="deletions credited to the step that deleted each word",
        ),
        pytest.param(
            "a b",
            [Step("a x b", ALPHA), Step("a b", BETA)],
            [],
            id="a word inserted then deleted leaves no change",
        ),
        pytest.param(
            "a b",
            [Step("a x b", ALPHA), Step("a z b", BETA)],
            [("+", "z ", "Beta")],
            id="a replaced insertion is the later step's",
        ),
        pytest.param(
            "público.",
            [
                Step(
                    "público, gratuito y accesible.",
                    DECISION,
                    (
                        Proposal("público.", "público y gratuito.", ALPHA),
                        Proposal("público.", "público y accesible.", BETA),
                    ),
                )
            ],
            [
                ("+", ", ", SECRETARIAT),
                ("+", "gratuito", "Alfa"),
                ("+", " y ", SECRETARIAT),
                ("+", "accesible", "Beta"),
            ],
            id="a hand merge word by word",
        ),
        pytest.param(
            "público.",
            [
                Step(
                    "público y gratuito.",
                    DECISION,
                    (Proposal("público.", "público y gratuito.", ALPHA),),
                )
            ],
            [("+", " y gratuito", "Alfa")],
            id="a hand merge taking one amendment whole",
        ),
    ],
)
def test_attribute(base: str, steps: list[Step], expected: list[tuple[str, str, str]]) -> None:
    assert credited(base, steps) == expected


def test_bound_numbers_never_reach_the_file_and_renumbering_keeps_the_credit(
    db: Session, story: Story
) -> None:
    """Artículo 3's numbers are stored bound to provisions; the deletion of Artículo 2 renumbers
    it: the file shows numbers, never the tokens, and the words keep their authors."""
    root = tracked(db, story)
    text = "".join(t.text or "" for t in root.iter(f"{W}t", f"{W}delText"))
    assert "\ue000" not in text and "\ue001" not in text
    merged = revisions(paragraph_with(root, "El registro es público"))
    assert (FEDERATION, "gratuito") in {(author, t) for _k, author, _d, t in merged}
