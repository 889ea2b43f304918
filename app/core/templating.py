"""Jinja2 templates with gettext in the request's language, and the helpers every page needs."""

from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from threading import Lock
from typing import Any
from weakref import WeakValueDictionary

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from markupsafe import Markup

from app.core import i18n
from app.core.config import ROOT
from app.core.csrf import form_token
from app.core.db import SAFE_METHODS
from app.core.static import fingerprint


class _TemplateGlobals(dict[str, Any]):
    """A template's copy of the globals: a plain dict to Jinja, that can be held weakly."""


class _Globals(dict[str, Any]):
    """The environment's globals, of which each template holds its own copy, a plain dict.
    Jinja's own, a ChainMap over these, is read key by key in Python each time a page imports
    a file of macros and at each new context: 9% of a member's article page. What is added
    after a template was loaded (each domain adds its own in create_app) reaches its copy too."""

    def __init__(self, initial: Mapping[str, Any]) -> None:
        super().__init__(initial)
        # Held weakly: a template dropped from Jinja's cache takes its copy with it.
        self._copies: WeakValueDictionary[int, _TemplateGlobals] = WeakValueDictionary()

    def copy_for_template(self, own: Mapping[str, Any] | None) -> dict[str, Any]:
        copy = _TemplateGlobals({**self, **(own or {})})
        self._copies[id(copy)] = copy
        return copy

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        for copy in self._copies.values():
            copy[key] = value

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        for copy in self._copies.values():
            copy.pop(key, None)


class _Environment(Environment):
    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals: _Globals = _Globals(self.globals)

    def make_globals(self, d: Mapping[str, Any] | None) -> dict[str, Any]:
        return self.globals.copy_for_template(d)


environment = _Environment(
    loader=FileSystemLoader(ROOT / "templates"),
    autoescape=select_autoescape(default=True),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
    # Read once per process, as the code is: asking the disk whether each template (and each
    # it extends or includes) changed cost a twentieth of a member's page. Restart to see an edit.
    auto_reload=False,
)
environment.install_gettext_callables(  # type: ignore[attr-defined]
    i18n.template_gettext, i18n.template_ngettext, newstyle=True
)


# Distinct addresses a process keeps; past it, the table starts again.
_URLS_KEPT = 50_000


def compile_templates() -> None:
    """Every template compiled now rather than by its first reader."""
    for name in environment.list_templates(filter_func=lambda name: not name.startswith(".")):
        environment.get_template(name)


@pass_context
def url_for(context: dict[str, Any], name: str, /, **path_params: Any) -> str:
    """A site-relative path, so pages never name a host (and work behind any proxy). Each
    address is built once per process: Starlette finds a route by trying the included routers
    in turn, about 0.1 ms a link, a third of the rendering of a page with thirty links."""
    request: Request = context["request"]
    root: str = request.scope.get("root_path", "")
    built: dict[tuple[Any, ...], str] | None = getattr(request.app.state, "urls", None)
    if built is None or len(built) > _URLS_KEPT:
        built = request.app.state.urls = {}
    key = (name, *sorted(path_params.items()))
    if (path := built.get(key)) is None:
        path = str(request.app.url_path_for(name, **path_params))
        if name == "static":  # named by its content: kept for a year (app/core/static.py)
            path += f"?v={fingerprint(path_params['path'])}"
        built[key] = path
    return root + path


class Fragments:
    """Parts of pages that are the same for every reader of a draft's revision (an article's
    text, the positions on it, a comment with its controls), rendered once per process and
    language: a member's page is rendered for them, but most of it is not about them.

    `{% call fragment("name", draft.cache_key, …) %}…{% endcall %}`: the key must name all the
    block shows, the draft's revision included, and the viewer's role when it shows controls.
    A form in it may carry the CSRF field: the reader's own token is put in each time. Only
    requests that read keep what they render, as in app/core/cache.py: a writing transaction
    sees its own rows.
    """

    _CSRF_SLOT = "\x00csrf\x00"  # where a kept fragment's CSRF token goes: text never holds NUL

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._kept: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = Lock()

    def __call__(
        self, context: dict[str, Any], *key: Hashable, caller: Callable[[], Markup]
    ) -> Markup:
        if context["request"].method not in SAFE_METHODS:
            return caller()
        token: str = context["csrf_token"]
        full = (key, i18n.current_language.get())
        with self._lock:
            kept = self._kept.get(full)
            if kept is not None:
                self._kept.move_to_end(full)
        if kept is None:
            rendered = caller()
            kept = rendered.replace(token, self._CSRF_SLOT) if token else str(rendered)
            with self._lock:
                self._kept[full] = kept
                while len(self._kept) > self._size:
                    self._kept.popitem(last=False)
            return rendered
        return Markup(kept.replace(self._CSRF_SLOT, token))  # noqa: S704 (rendered, escaped, by us)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


fragments = Fragments()


@pass_context
def fragment(context: dict[str, Any], *key: Hashable, caller: Callable[[], Markup]) -> Markup:
    return fragments(context, *key, caller=caller)


environment.globals.update(
    fragment=fragment,
    url_for=url_for,
    format_datetime=i18n.format_datetime,
    format_date=i18n.format_date,
    format_number=i18n.format_number,
    languages=i18n.LANGUAGES,
)
# Each domain adds its own helpers from create_app (app/main.py): core imports none of them.
templates = Jinja2Templates(env=environment)


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    token = form_token(request)
    context = {
        "lang": i18n.current_language.get(),
        "reading": i18n.reading_language.get(),
        "member": getattr(request.state, "member", None),
        "csrf_token": token,
        # Every form that posts carries it; a variable, not an include, in each of a page's forms.
        "csrf_input": Markup('<input type="hidden" name="csrf_token" value="%s">') % token,
        **(context or {}),
    }
    return templates.TemplateResponse(request, name, context, status_code=status_code)
