"""A session's browser and system in words ("Chrome en Android"), read from its stored
User-Agent. Pure. Ours rather than a parsing library: the account page needs a family name for
the dozen browsers and systems people use, not versions or devices, and a short ordered table
says that in a way a test can read whole. The order matters: Edge, Opera and Samsung Internet
also call themselves Chrome, and Chrome calls itself Safari."""

from app.core.i18n import _

# (what the User-Agent contains, the name shown), most specific first.
BROWSERS = (
    ("Edg/", "Edge"),
    ("EdgA/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
    ("python-", "Python"),
)
SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("CrOS", "ChromeOS"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def _first(table: tuple[tuple[str, str], ...], user_agent: str) -> str | None:
    return next((name for mark, name in table if mark in user_agent), None)


def describe_agent(user_agent: str) -> str:
    """ "Chrome en Android", "Firefox en Windows", or as much of it as is known."""
    browser, system = _first(BROWSERS, user_agent), _first(SYSTEMS, user_agent)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    if browser or system:
        return browser or _("A browser on %(system)s", system=system)
    return _("Unknown browser")
