"""The working group the sessions tests meet with: the secretariat of the Ministry, and
delegates of the Defensoría, the miners' federation and Congress (plus one more, absent)."""

import pytest
from sqlmodel import Session, update

from app.amendments import service as amendments
from app.amendments.models import Amendment
from app.drafts.models import Draft
from app.members.models import Member
from tests.factories import entry_of, make_draft, make_member

GROUP = (
    ("Rosa Villanueva", "ombudsman", "Defensoría del Pueblo"),
    ("Juan Mamani", "miners_organization", "Federación de Mineros Artesanales de Puno"),
    ("Ana Torres", "congress", "Comisión de Energía y Minas"),
    ("Pedro Huamán", "civil_society", "CooperAcción"),
)
FREE_REGISTRY = "El registro es público y gratuito."


@pytest.fixture(autouse=True)
def only_this_working_group(db: Session) -> None:
    """The quorum counts every active voting member: members other tests left committed in the
    database are set inactive for this test (the test's transaction is rolled back after it)."""
    db.exec(update(Member).values(is_active=False))
    db.commit()


@pytest.fixture
def draft(db: Session) -> Draft:
    return make_draft(db)


@pytest.fixture
def secretariat(db: Session) -> Member:
    return make_member(
        db,
        role="secretariat",
        name="Lucía Quispe",
        sector="executive",
        organization="Ministerio de Energía y Minas",
    )


@pytest.fixture
def group(db: Session) -> list[Member]:
    """Four voting members of four organizations (with the secretariat, five voters)."""
    return [make_member(db, name=n, sector=s, organization=o) for n, s, o in GROUP]


def free_registry(db: Session, author: Member, draft: Draft) -> Amendment:
    """An amendment making article 4's registry free, pending."""
    amendment = amendments.submit_amendment(
        db,
        author,
        draft,
        kind="modify",
        target_uid=entry_of(db, draft, "Artículo 4.").uid,
        base_version=1,
        rationale="Gratuidad del registro",
        text=FREE_REGISTRY,
    )
    db.commit()
    return amendment
