"""A session named by its browser and system, from real User-Agent strings."""

import pytest

from app.core.i18n import current_language
from app.members.agents import describe_agent

AGENTS = {
    "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36": "Chrome en Android",
    "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36": "Samsung Internet en Android",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.5 Mobile/15E148 Safari/604.1": "Safari en iPhone",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1": "Chrome en iPhone",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0": "Edge en Windows",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0": (
        "Firefox en Windows"
    ),
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15": "Safari en macOS",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
    "Safari/537.36 OPR/111.0.0.0": "Opera en Linux",
    "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36": "Chrome en ChromeOS",
    "curl/8.5.0": "curl",
    "Mozilla/5.0 (Linux; Android 14) UnknownBrowser/1.0": "Un navegador en Android",
    "": "Navegador desconocido",
}


@pytest.mark.parametrize(("agent", "said"), AGENTS.items(), ids=list(AGENTS.values()))
def test_a_session_is_named_by_browser_and_system(agent: str, said: str) -> None:
    token = current_language.set("es")
    try:
        assert describe_agent(agent) == said
    finally:
        current_language.reset(token)
