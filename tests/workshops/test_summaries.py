"""Plain-language summaries: written and versioned by the secretariat per language, shown
first on the article page in the language the reader chose, Spanish when not translated."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.summaries.models import Summary
from tests.factories import make_draft, make_member, post_form, sign_in, token_headers, uid_of

ES = "Esta ley dice para qué sirve: ordenar la minería pequeña y artesanal."
QU = "Kay kamachiyqa uchuy qhuya llamkaymanta rimarin."
AY = "Aka kamachixa jiska qhuya irnaqäwita arsu."


def summary_url(slug: str, uid: str) -> str:
    return f"/api/v1/drafts/{slug}/provisions/{uid}/summary"


class TestWriting:
    def test_versioned_per_language_by_the_secretariat_only(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        url = summary_url(draft.slug, uid_of(db, draft, "Artículo 1."))
        body = {"language": "es", "text": ES}
        assert client.put(url, json=body, headers=token_headers(db, "member")).status_code == 403
        headers = token_headers(db, "secretariat")
        first = client.put(url, json=body, headers=headers)
        assert first.status_code == 200, first.text and first.json()["version"] == 1
        second = client.put(url, json={**body, "text": ES + " Nada más."}, headers=headers)
        assert second.json()["version"] == 2
        quechua = client.put(
            url, json={"language": "qu", "text": QU, "translator": "Rosa Mamani"}, headers=headers
        )
        assert quechua.json() == {**quechua.json(), "version": 1, "translator": "Rosa Mamani"}
        assert len(db.exec(select(Summary)).all()) == 3
        current = {s["language"]: s["version"] for s in client.get(url).json()}
        assert current == {"es": 2, "qu": 1}
        events = db.exec(select(AuditEvent).where(AuditEvent.action == "summary.written")).all()
        assert len(events) == 3

    def test_a_translation_names_its_translator_and_the_language_must_be_known(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        url = summary_url(draft.slug, uid_of(db, draft, "Artículo 1."))
        headers = token_headers(db, "secretariat")
        anonymous = client.put(url, json={"language": "ay", "text": AY}, headers=headers)
        assert anonymous.status_code == 422
        assert anonymous.json()["error"]["field"] == "translator"
        unknown = client.put(url, json={"language": "fr", "text": "Résumé"}, headers=headers)
        assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "language"
        empty = client.put(url, json={"language": "es", "text": "  "}, headers=headers)
        assert empty.status_code == 422 and empty.json()["error"]["field"] == "text"
        assert db.exec(select(Summary)).all() == []

    def test_the_form_on_the_article_page(self, client: TestClient, db: Session) -> None:
        draft = make_draft(db)
        page = f"/drafts/{draft.slug}/provisions/{uid_of(db, draft, 'Artículo 1.')}"
        sign_in(client, make_member(db, role="secretariat"))
        refused = post_form(client, f"{page}/summary", {"language": "qu", "text": QU})
        assert refused.status_code == 422
        assert "Indique quién lo tradujo." in refused.text and QU in refused.text
        done = post_form(client, f"{page}/summary", {"language": "es", "text": ES})
        assert done.status_code == 303
        assert ES in client.get(page).text


class TestReading:
    def test_each_reader_sees_the_summary_in_the_language_they_chose(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        uid = uid_of(db, draft, "Artículo 1.")
        url = summary_url(draft.slug, uid)
        headers = token_headers(db, "secretariat")
        client.put(url, json={"language": "es", "text": ES}, headers=headers)
        client.put(
            url, json={"language": "qu", "text": QU, "translator": "Rosa Mamani"}, headers=headers
        )
        page = f"/drafts/{draft.slug}/provisions/{uid}"
        spanish = client.get(page).text
        # The summary comes before the law's text.
        assert ES in spanish and QU not in spanish
        assert spanish.index(ES) < spanish.index("La presente Ley tiene por objeto")
        client.get(f"/language/qu?next={page}")
        quechua = client.get(page).text
        assert QU in quechua and ES not in quechua
        assert "Rosa Mamani" in quechua
        assert "el resto de Mesa sigue en castellano" in quechua
        assert '<html lang="es">' in quechua  # the interface stays Spanish
        # Aymara not entered yet: Spanish, and it says so.
        client.get(f"/language/ay?next={page}")
        aymara = client.get(page).text
        assert ES in aymara and "Aún no traducido al Aimara" in aymara
        client.put(
            url, json={"language": "ay", "text": AY, "translator": "Juan Condori"}, headers=headers
        )
        assert AY in client.get(page).text
        client.get(f"/language/es?next={page}")
        assert ES in client.get(page).text


class TestCachingByReadingLanguage:
    def test_a_quechua_reader_is_never_served_the_spanish_readers_copy(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        uid = uid_of(db, draft, "Artículo 1.")
        headers = token_headers(db, "secretariat")
        client.put(
            summary_url(draft.slug, uid),
            json={"language": "qu", "text": QU, "translator": "Rosa Mamani"},
            headers=headers,
        )
        page = f"/drafts/{draft.slug}/provisions/{uid}"
        spanish = client.get(page)
        client.cookies.set("mesa_lang", "qu")
        quechua = client.get(page, headers={"If-None-Match": spanish.headers["ETag"]})
        assert quechua.status_code == 200 and QU in quechua.text
        assert quechua.headers["ETag"] != spanish.headers["ETag"]
