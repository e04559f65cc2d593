"""Component styles that lay over another background and still read on every theme."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


def overlay_style(widget: Widget, component: str) -> Style:
    """The style of ``component`` holding only what its CSS sets, to add over a base style.

    A partial style alone would keep ``auto`` and translucent colours unresolved
    (``$text-muted`` would come out white on a light theme, a 30% cursor
    background at full strength), so the colours it sets are taken from the
    resolved style, blended over the widget's background.

    Args:
        widget: The widget that declares the component class.
        component: The component class, e.g. "segment-list--insert".
    """
    partial = widget.get_component_rich_style(component, partial=True)
    if partial.color is None and partial.bgcolor is None:
        return partial
    resolved = widget.get_component_rich_style(component)
    return partial + Style(
        color=resolved.color if partial.color is not None else None,
        bgcolor=resolved.bgcolor if partial.bgcolor is not None else None,
    )
