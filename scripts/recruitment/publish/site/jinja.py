"""The one Jinja2 environment of the site: templates in ./templates, autoescape on.

Every value a template prints goes through :func:`finalize`, which writes None as nothing
and escapes the rest as ``html.escape`` does (``&``, ``<``, ``>``, ``"`` and ``'``), unless
it is already markup (a macro's or another template's output, or the codebook's HTML,
which markdown-it escapes itself). So the pages have one escape path, and no Python
function pastes data into HTML.
"""

from __future__ import annotations

from functools import cache
from html import escape

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup


def finalize(value: object) -> object:
    if value is None:
        return ""
    if hasattr(value, "__html__"):
        return value
    return Markup(escape(str(value), quote=True))


@cache
def env() -> Environment:
    return Environment(
        loader=PackageLoader(__package__, "templates"),
        autoescape=True,
        finalize=finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, /, **context) -> str:
    """``template`` with ``context``, as text."""
    return env().get_template(template).render(**context)


def macros():
    """The macros of macros.html, callable from Python (they return markup)."""
    return env().get_template("macros.html").module
