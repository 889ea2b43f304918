"""The template helpers consensus offers every page: the names and letters of the statuses."""

from jinja2 import Environment

from app.consensus.chart import STATUS_CODES
from app.consensus.rules import status_names


def register_templates(environment: Environment) -> None:
    environment.globals.update(
        consensus_status_names=status_names, consensus_status_codes=STATUS_CODES
    )
