"""The template helpers members offer every page: sector names, and what a role may do (to
show only the controls a person can use; the routes still guard every action)."""

from jinja2 import Environment

from app.members.models import sector_names
from app.members.permissions import can


def register_templates(environment: Environment) -> None:
    environment.globals.update(sector_names=sector_names, can=can)
