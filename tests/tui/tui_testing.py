"""Helpers for the pilot tests of the review UI."""

from __future__ import annotations

import asyncio
import functools

from textual.app import App


def pilot_test(test):
    """Run an async test to completion (no asyncio plugin needed)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        asyncio.run(test(*args, **kwargs))

    return run


def screen_text(app: App) -> str:
    """Everything on the screen, as the terminal would show it."""
    # Textual is pinned, so the compositor's render is a stable way to read the screen.
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def contrast(style) -> float:
    """WCAG contrast ratio of a Rich style's text and background colours."""

    def luminance(color) -> float:
        def channel(value: int) -> float:
            value /= 255
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        red, green, blue = color.get_truecolor()
        return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)

    light, dark = sorted((luminance(style.color), luminance(style.bgcolor)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
