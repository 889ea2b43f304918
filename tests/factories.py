"""Small builders of test data, written through the same services the app uses."""

from sqlmodel import Session

from app.drafts import service
from app.drafts.importing import parse_draft
from app.drafts.models import Draft

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
