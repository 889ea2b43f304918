"""Layout of the consensus map: every clause a labelled cell, grouped by título. Pure."""

from dataclasses import dataclass

from app.core.escaping import xml_text

CELL_WIDTH, CELL_HEIGHT, GAP = 64, 44, 6
COLUMNS = 10
GROUP_TITLE = 28
# A letter for each status, printed in the cell: the map reads in black and white too.
STATUS_CODES = {
    "consensus": "C",
    "broad_support": "A",
    "divided": "D",
    "blocked": "B",
    "insufficient_quorum": "Q",
    "no_positions": "–",
}
# The downloaded map carries its colours (no stylesheet travels with it); mesa.css matches them.
STATUS_FILLS = {
    "consensus": ("#1d6b36", "#ffffff"),
    "broad_support": ("#7fb77e", "#1d1b19"),
    "divided": ("#e6b655", "#1d1b19"),
    "blocked": ("#a4161a", "#ffffff"),
    "insufficient_quorum": ("#c9c3ba", "#1d1b19"),
    "no_positions": ("#ffffff", "#1d1b19"),
}


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    uid: str
    number: str  # "12", "IV", "1.ª"
    label: str
    heading: str
    status: str

    @property
    def code(self) -> str:
        return STATUS_CODES[self.status]

    @property
    def fill(self) -> str:
        return STATUS_FILLS[self.status][0]

    @property
    def ink(self) -> str:
        """The text colour that reads on the cell's fill."""
        return STATUS_FILLS[self.status][1]


@dataclass(frozen=True)
class Group:
    title: str
    y: int
    cells: list[Cell]


@dataclass(frozen=True)
class Layout:
    groups: list[Group]
    width: int
    height: int


def short_number(label: str) -> str:
    """ "Artículo 12." → "12"; "TERCERA." → "3.ª"-like short text kept as the first letters."""
    text = label.removeprefix("Artículo ").rstrip(".")
    return text if len(text) <= 5 else text[:4] + "."


def layout(groups: list[tuple[str, list[tuple[str, str, str, str]]]]) -> Layout:
    """`groups`: (title, [(uid, label, heading, status)]) in document order. Texts are made
    fit for XML: the map is also served as a standalone SVG file."""
    placed: list[Group] = []
    y = 0
    for title, clauses in groups:
        cells = []
        for index, (uid, label, heading, status) in enumerate(clauses):
            row, column = divmod(index, COLUMNS)
            cells.append(
                Cell(
                    column * (CELL_WIDTH + GAP),
                    y + GROUP_TITLE + row * (CELL_HEIGHT + GAP),
                    uid,
                    short_number(xml_text(label)),
                    xml_text(label),
                    xml_text(heading),
                    status,
                )
            )
        placed.append(Group(xml_text(title), y, cells))
        rows = max(1, -(-len(clauses) // COLUMNS))
        y += GROUP_TITLE + rows * (CELL_HEIGHT + GAP) + GAP * 2
    return Layout(placed, COLUMNS * (CELL_WIDTH + GAP), y)
