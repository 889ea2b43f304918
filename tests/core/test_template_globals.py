"""Templates hold their own copy of the environment's globals (app/core/templating.py): what
is added or removed after a template was loaded still reaches it, as each domain's helpers are
added when an app is made, perhaps after a document's template was first rendered."""

import gc

import pytest
from jinja2 import DictLoader, UndefinedError

from app.core.templating import environment


def test_a_global_added_after_a_template_was_loaded_reaches_it() -> None:
    template = environment.from_string("{{ added_later() }}")
    environment.globals["added_later"] = lambda: "aquí"
    try:
        assert template.render() == "aquí"
    finally:
        del environment.globals["added_later"]
    with pytest.raises(UndefinedError):
        template.render()


def test_a_macro_file_imported_sees_globals_added_after_it_was_loaded() -> None:
    loader = DictLoader(
        {
            "macros.html": "{% macro greet() %}{{ greeting() }}{% endmacro %}",
            "page.html": '{% from "macros.html" import greet %}{{ greet() }}',
        }
    )
    own = type(environment)(loader=loader)
    page, _macros = own.get_template("page.html"), own.get_template("macros.html")
    own.globals.update(greeting=lambda: "hola")
    assert page.render() == "hola"


def test_the_copies_of_templates_no_longer_held_are_let_go() -> None:
    own = type(environment)(loader=DictLoader({}))
    for number in range(200):
        own.from_string(f"{{{{ {number} }}}}").render()
    gc.collect()
    assert len(own.globals._copies) < 10  # what would grow, were they held
