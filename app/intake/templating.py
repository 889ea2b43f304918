"""The template helpers intake offers every page: channel and disposition names, and the
lists the secretariat's form of a received contribution chooses from."""

from jinja2 import Environment

from app.intake.models import channel_names, disposition_names
from app.intake.service import OUTSIDE, today_in_peru
from app.members.models import REGIONS


def register_templates(environment: Environment) -> None:
    environment.globals.update(
        channel_names=channel_names,
        disposition_names=disposition_names,
        outside_channels=OUTSIDE,
        regions=REGIONS,
        today_iso=lambda: today_in_peru().isoformat(),
    )
