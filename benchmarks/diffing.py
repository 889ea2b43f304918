"""Word diff of two versions of a 5,000-word clause: an amended one, and a rewritten one."""

import random

from app.drafts import diffing
from app.drafts.diffing import word_diff
from benchmarks.common import report, timings

LEGAL_WORDS = (
    "el la los las de del que en por para con sin sobre ante según y o ni se su sus "
    "productor minero artesanal pequeña minería concesión titular derecho registro integral "
    "formalización autoridad regional ministerio energía minas ambiental fiscalización sanción "
    "obligación plazo días hábiles contados desde notificación procedimiento administrativo "
    "reglamento presente ley disposición complementaria transitoria inscripción vigente "
    "declaración compromiso instrumento gestión correctivo comunidad campesina nativa consulta "
    "previa trabajador seguridad salud ocupacional asistencia técnica Estado Gobierno"
)
# Words of the rewritten text, none of them among the legal words above.
CUSTOMS_WORDS = (
    "tributo aduanero importación mercancía arancel régimen depósito franco almacén despacho "
    "valoración origen certificado partida nomenclatura embarque consignatario agente carga "
    "manifiesto aforo levante garantía fianza recargo multa intereses moratorios"
)
VOCABULARY, OTHER_WORDS = LEGAL_WORDS.split(), CUSTOMS_WORDS.split()
WORDS = 5000
WORDS_PER_PARAGRAPH = 60


def clause(rng: random.Random, vocabulary: list[str], words: int = WORDS) -> list[str]:
    """A clause's words, its paragraphs opened by numerales ("12.1") and closed by a period."""
    result: list[str] = []
    while len(result) < words:
        result.append(f"\n12.{len(result) // WORDS_PER_PARAGRAPH + 1}")
        result += rng.choices(vocabulary, k=WORDS_PER_PARAGRAPH - 1)
        result[-1] += rng.choice((".", ";", ":"))
    return result[:words]


def amended(rng: random.Random, words: list[str], rate: float = 0.05) -> list[str]:
    """`rate` of the words touched at scattered places: most replaced, some deleted or inserted."""
    result: list[str] = []
    for word in words:
        roll = rng.random()
        if roll < rate * 0.6:
            result.append(rng.choice(VOCABULARY))
        elif roll < rate * 0.8:
            continue
        elif roll < rate:
            result += [word, rng.choice(VOCABULARY)]
        else:
            result.append(word)
    return result


def as_text(words: list[str]) -> str:
    return " ".join(words).lstrip("\n").replace(" \n", "\n")


def uncached(old: str, new: str) -> object:
    """The diff itself, not the cache that spares repeating it."""
    diffing._word_diff.cache_clear()
    return word_diff(old, new)


def run() -> None:
    rng = random.Random(20260512)
    original = clause(rng, VOCABULARY)
    old, new = as_text(original), as_text(amended(rng, original))
    amended_runs = timings(lambda: uncached(old, new), 30)
    report("word diff, 5,000 words, ~5% changed", amended_runs, "< 50 ms")

    # Only the numerales and the punctuation in common: the most work a diff can ask for.
    rewritten = as_text(clause(rng, OTHER_WORDS))
    report(
        "word diff, 5,000 words, all different", timings(lambda: uncached(old, rewritten), 3), "-"
    )
