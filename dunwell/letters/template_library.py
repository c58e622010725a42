"""The only tags and filters a wording may use (see `dunwell.letters.engine`): logic and text
formatting over the letter's data. Nothing here reaches the database, the file system, other
templates, URLs or the request: no {% load %}, {% include %}, {% extends %}, {% url %},
{% debug %}, {% csrf_token %}."""

from __future__ import annotations

from django import template
from django.template import defaultfilters, defaulttags

register = template.Library()

TAGS = ("if", "for", "with", "comment", "firstof", "spaceless", "cycle", "ifchanged")
FILTERS = (
    "default", "default_if_none", "upper", "lower", "capfirst", "title", "join", "length",
    "first", "last", "linebreaksbr", "striptags", "truncatewords", "truncatechars", "wordwrap",
    "yesno", "pluralize", "cut", "center", "ljust", "rjust",
)  # fmt: skip

for _name in TAGS:
    register.tag(_name, defaulttags.register.tags[_name])
for _name in FILTERS:
    register.filter(_name, defaultfilters.register.filters[_name])
