"""The template helpers drafts offer every page: laying out a clause's text and its diffs."""

from jinja2 import Environment

from app.drafts.diffing import side_by_side
from app.drafts.imports import kind_name, role_name
from app.drafts.text import changed_paragraphs, diff_paragraphs, paragraphs


def register_templates(environment: Environment) -> None:
    environment.globals.update(
        paragraphs=paragraphs,
        diff_paragraphs=diff_paragraphs,
        changed_paragraphs=changed_paragraphs,
        side_by_side_columns=side_by_side,
        kind_name=kind_name,
        role_name=role_name,
    )
