"""Every table, imported in one place for Alembic and the tests."""

from sqlmodel import SQLModel

from app.drafts.models import Draft, Provision, ProvisionVersion

metadata = SQLModel.metadata

__all__ = ["Draft", "Provision", "ProvisionVersion", "metadata"]
