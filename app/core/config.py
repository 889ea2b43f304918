"""Configuration: one Settings object, read from MESA_* environment variables."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parents[2]
# Usable only in development; production refuses it (see _refuse_weak_secret).
DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production"  # noqa: S105
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MESA_", extra="ignore")

    env: Literal["development", "production"] = "development"
    database_url: str = "sqlite:///var/mesa.db"
    secret_key: str = DEVELOPMENT_SECRET
    port: int = 8000
    drafts_dir: Path = ROOT / "drafts"
    default_language: Literal["es", "en"] = "es"
    # Where people reach Mesa; used in links printed by the command line.
    base_url: str = "http://127.0.0.1:8000"
    # Mail: smtp://host:port, smtp+starttls://user:pass@host:587 or smtps://user:pass@host:465.
    # Unset in development: messages are written as .eml files under mail_dir.
    smtp_url: str | None = None
    mail_from: str = "Mesa <mesa@localhost>"
    mail_dir: Path = ROOT / "var" / "mail"

    @property
    def production(self) -> bool:
        return self.env == "production"

    @model_validator(mode="after")
    def _refuse_weak_secret(self) -> "Settings":
        if self.production and (
            self.secret_key == DEVELOPMENT_SECRET or len(self.secret_key) < MIN_SECRET_LENGTH
        ):
            raise ValueError(
                f"MESA_SECRET_KEY must be set to a random value of at least {MIN_SECRET_LENGTH} "
                "characters when MESA_ENV=production"
            )
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
