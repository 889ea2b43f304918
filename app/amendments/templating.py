"""The template helpers amendments offer every page: the names of the statuses and of the
secretariat's proposed handlings."""

from jinja2 import Environment

from app.amendments.models import proposal_names, status_names
from app.amendments.support import support_phrase


def register_templates(environment: Environment) -> None:
    environment.globals.update(
        amendment_status_names=status_names,
        amendment_proposal_names=proposal_names,
        amendment_support_phrase=support_phrase,
    )
