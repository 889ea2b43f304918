"""The template helpers amendments offer every page: the names of the statuses."""

from jinja2 import Environment

from app.amendments.models import status_names


def register_templates(environment: Environment) -> None:
    environment.globals.update(amendment_status_names=status_names)
