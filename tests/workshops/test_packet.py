"""The workshop's printable packet: one page per article with its summary first, its text and
a QR code that scans to its page; then the transcription sheet. Read back from the PDF: the
text with pypdf, the QR codes by rasterizing each page (pypdfium2) and decoding it (zxing-cpp)."""

import io

import pypdfium2
import zxingcpp
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import Session

from app.drafts import service as drafts
from tests.factories import make_draft, make_member, sign_in, token_headers, uid_of

SUMMARY = "Esta ley ordena la minería pequeña y artesanal."


def qr_codes(pdf: bytes) -> list[list[str]]:
    """The QR codes each page carries, as a phone would read them off a printed page."""
    document = pypdfium2.PdfDocument(pdf)
    found = []
    for page in document:
        image = page.render(scale=150 / 72, grayscale=True).to_pil()
        found.append([code.text for code in zxingcpp.read_barcodes(image)])
    return found


class TestThePacket:
    def test_each_article_has_its_page_with_a_qr_code_that_scans_to_it(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        first, second = uid_of(db, draft, "Artículo 1."), uid_of(db, draft, "Artículo 2.")
        client.put(
            f"/api/v1/drafts/{draft.slug}/provisions/{first}/summary",
            json={"language": "es", "text": SUMMARY},
            headers=token_headers(db, "secretariat"),
        )
        response = client.get(
            f"/drafts/{draft.slug}/packet",
            params={"region": "Puno", "articles": [second, first]},
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        pdf = response.content
        pages = PdfReader(io.BytesIO(pdf)).pages
        assert len(pages) == 3  # two articles, in the draft's order, then the transcription
        texts = [page.extract_text() for page in pages]
        assert "Artículo 1." in texts[0] and "Artículo 2." in texts[1]
        assert texts[0].index(SUMMARY) < texts[0].index("La presente Ley tiene por objeto")
        assert "Hoja de transcripción" in texts[2] and "Puno" in texts[2]
        base = "http://127.0.0.1:8000"
        assert qr_codes(pdf) == [
            [f"{base}/drafts/{draft.slug}/provisions/{first}"],
            [f"{base}/drafts/{draft.slug}/provisions/{second}"],
            [],
        ]
        # Small enough for a slow connection.
        assert len(pdf) < 100_000, len(pdf)

    def test_without_a_choice_every_article_and_a_bad_region_is_refused(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        clauses = drafts.load_outline(db, draft).clauses
        whole = client.get(f"/drafts/{draft.slug}/packet")
        assert len(PdfReader(io.BytesIO(whole.content)).pages) == len(clauses) + 1
        bad = client.get(f"/drafts/{draft.slug}/packet", params={"region": "Atlántida"})
        assert bad.status_code == 422
        unknown = client.get(f"/drafts/{draft.slug}/packet", params={"articles": "nope"})
        assert unknown.status_code == 404

    def test_offered_on_the_workshops_page(self, client: TestClient, db: Session) -> None:
        draft = make_draft(db)
        sign_in(client, make_member(db))
        page = client.get(f"/drafts/{draft.slug}/workshops").text
        assert f'action="/drafts/{draft.slug}/packet"' in page


class TestServedAgain:
    def test_an_anonymous_reader_revalidates_the_packet_until_the_draft_changes(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        uid = uid_of(db, draft, "Artículo 1.")
        url = f"/drafts/{draft.slug}/packet?articles={uid}"
        first = client.get(url)
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
        client.put(
            f"/api/v1/drafts/{draft.slug}/provisions/{uid}/summary",
            json={"language": "es", "text": SUMMARY},
            headers=token_headers(db, "secretariat"),
        )
        changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert changed.status_code == 200
        assert SUMMARY in PdfReader(io.BytesIO(changed.content)).pages[0].extract_text()
