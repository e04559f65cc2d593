"""The command palette (ctrl+p): every review action by name.

The provider only names actions and hands them to the app; it changes nothing
itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

_GO_TO = re.compile(r"^\s*(?:segment:?\s*)?(?:go\s*to\s*)?#?(\d+)\s*$", re.IGNORECASE)


class ReviewCommands(Provider):
    """Review actions: go to a segment, accept or reject a rule everywhere, export, filters."""

    def commands(self) -> list[tuple[str, Callable[[], object], str]]:
        """(name, callback, help) of every action the palette offers now."""
        app = self.app
        found = [
            ("segment: next unconfirmed", app.action_next_unconfirmed, "Go to the next unconfirmed segment"),
            ("segment: confirm", app.action_confirm, "Confirm the segment and store it in the memory"),
            ("segment: edit", app.action_edit, "Edit the target"),
            ("fix: accept all of this segment", app.action_accept_all, "Accept every fix of the segment"),
            ("fix: reject all of this segment", app.action_reject_all, "Reject every fix of the segment"),
            ("history: undo", app.action_undo, "Undo the last action"),
            ("history: redo", app.action_redo, "Redo the last undone action"),
            ("export: text", app.action_export, "Write the cleaned text"),
            ("report: post-editing report", app.action_report,
             "Edit distance, TER and fixes per rule, as an HTML page beside the export"),
            ("view: search", app.action_search, "Show segments containing a text"),
            ("view: next filter", app.action_cycle_filter, "All, unconfirmed, with fixes, with findings"),
            ("help: keys", app.action_help, "List every key"),
        ]
        for rule in app.rules_in_document():
            found.append((f"fix: accept all of rule {rule} in the document",
                          partial(app.accept_rule_everywhere, rule, True),
                          "Preview, then accept every fix of this rule"))
            found.append((f"fix: reject all of rule {rule} in the document",
                          partial(app.accept_rule_everywhere, rule, False),
                          "Preview, then reject every fix of this rule"))
        return found

    async def discover(self) -> Hits:
        for name, callback, help_text in self.commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        number = _GO_TO.match(query)
        if number:
            n = int(number.group(1))
            yield Hit(1.0, f"segment: go to {n}", partial(self.app.go_to_number, n), help="Highlight that segment")
        matcher = self.matcher(query)
        for name, callback, help_text in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
