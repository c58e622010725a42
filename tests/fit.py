"""Browser-test helpers: does a field's text read whole at the page's width?

A placeholder is not part of the layout (scrollWidth does not see it being cut), so it is
measured in the field's own font against the room between the field's paddings."""

from __future__ import annotations

from typing import Any

_PLACEHOLDER_ROOM = """(box) => {
  const style = getComputedStyle(box);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return [box.placeholder, context.measureText(box.placeholder).width, room];
}"""


def cut_placeholder(page: Any, selector: str) -> str | None:
    """None when the placeholder of `selector` fits its field; else what is cut and by how
    much, for the assertion's message."""
    text, width, room = page.eval_on_selector(selector, _PLACEHOLDER_ROOM)
    if width <= room:
        return None
    return f"{selector}: {text!r} needs {width:.0f} px, has {room:.0f} px"


def cut_text(page: Any, selector: str) -> str | None:
    """None when the element `selector` is visible and its text is not cut (it does not
    scroll sideways, nor run past the page's right edge); else what is wrong."""
    element = page.locator(selector)
    if not element.is_visible():
        return f"{selector}: not visible"
    scroll, client, right, width = element.evaluate(
        "(e) => [e.scrollWidth, e.clientWidth, e.getBoundingClientRect().right,"
        " document.documentElement.clientWidth]"
    )
    if scroll > client or right > width:
        text = element.inner_text()
        return f"{selector}: {text!r} is cut ({scroll} > {client} or {right} > {width})"
    return None
