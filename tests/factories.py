"""Small builders of test data, written through the same services the app uses."""

import re
import secrets
from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response
from sqlmodel import Session

from app.drafts import service
from app.drafts.importing import parse_draft
from app.drafts.models import Draft
from app.members import service as members
from app.members.models import Member
from app.members.service import MemberDetails

SMALL_LAW = """---
slug: {slug}
title: Ley de prueba
---

# TÍTULO PRELIMINAR

#### Artículo I. Principios
La presente Ley se rige por los principios siguientes:

a) Legalidad.

b) Participación.

# TÍTULO I. DISPOSICIONES GENERALES

## CAPÍTULO I. OBJETO

#### Artículo 1. Objeto de la Ley
La presente Ley tiene por objeto promover la formalización.

#### Artículo 2. Ámbito
2.1 Se aplica en todo el territorio nacional.

2.2 No comprende a la gran minería.

## CAPÍTULO II. DEFINICIONES

#### Artículo 3. Definiciones
Para efectos de la presente Ley, conforme al artículo 1, se entiende por minero artesanal\
a quien trabaja en forma personal.

# TÍTULO II. FORMALIZACIÓN

#### Artículo 4. Registro
El registro es público.

# DISPOSICIONES COMPLEMENTARIAS FINALES

#### PRIMERA. Reglamentación
El Poder Ejecutivo reglamenta la presente Ley.

#### SEGUNDA. Vigencia
La presente Ley entra en vigencia al día siguiente de su publicación.

# DISPOSICIÓN COMPLEMENTARIA DEROGATORIA

#### ÚNICA. Derogación
Se deroga toda norma que se oponga a la presente Ley.
"""


def make_draft(session: Session, slug: str = "ley-de-prueba") -> Draft:
    draft = service.import_draft(
        session, parse_draft(SMALL_LAW.format(slug=slug).encode(), markdown=True)
    )
    session.commit()
    return draft


PASSWORD = "contraseña-de-prueba"
_CSRF_INPUT = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def make_member(
    session: Session,
    role: str = "member",
    email: str | None = None,
    name: str = "Integrante de prueba",
    sector: str = "civil_society",
    password: str | None = PASSWORD,
    **fields: str,
) -> Member:
    email = email or f"{role}-{secrets.token_hex(3)}@mesa.example"
    details = MemberDetails(email=email, name=name, role=role, sector=sector, **fields)
    member = members.add_member(session, None, details, password)
    session.commit()
    return member


def token_headers(session: Session, role: str) -> dict[str, str]:
    """The Authorization header of a new member with `role`, for the API."""
    _token, raw = members.create_api_token(session, make_member(session, role=role), "pruebas")
    session.commit()
    return {"Authorization": f"Bearer {raw}"}


def csrf_token(client: TestClient, page: str = "/sign-in") -> str:
    """The CSRF token a form on `page` carries, read as a browser would."""
    match = _CSRF_INPUT.search(client.get(page).text)
    assert match, f"no CSRF token on {page}"
    return match.group(1)


def post_form(
    client: TestClient, url: str, data: dict[str, str] | None = None, **kwargs: Any
) -> Response:
    """Submit a form as a browser would: with a page's CSRF token, not following redirects."""
    fields = {"csrf_token": csrf_token(client), **(data or {})}
    return client.post(url, data=fields, follow_redirects=False, **kwargs)


def sign_in(client: TestClient, member: Member, password: str = PASSWORD) -> Response:
    response = post_form(client, "/sign-in", {"email": member.email, "password": password})
    assert response.status_code == 303, response.text
    return response


def uid_of(session: Session, draft: Draft, label: str) -> str:
    """The uid of the provision labelled `label` now."""
    entries = service.load_outline(session, draft).entries
    return next(entry.uid for entry in entries if entry.label.text == label)


def entry_of(session: Session, draft: Draft, label: str) -> service.OutlineEntry:
    return service.load_outline(session, draft).get(uid_of(session, draft, label))
