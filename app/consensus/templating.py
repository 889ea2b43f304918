"""The template helpers consensus offers every page: the names of the statuses."""

from jinja2 import Environment

from app.consensus.rules import status_names


def register_templates(environment: Environment) -> None:
    environment.globals.update(consensus_status_names=status_names)
