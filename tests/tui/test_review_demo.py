"""The review widgets wired together on the sample article, as the app will wire them."""

from __future__ import annotations

from review_demo import ReviewDemo, sample_review
from tui_testing import pilot_test, screen_text

from mtfix.tui.widgets import DetailPanel, SegmentList, StatusLine


@pilot_test
async def test_moving_toggling_and_confirming_from_the_segment_list():
    """down shows the segment's fixes; space rejects its fix on screen; c confirms and moves on."""
    app = ReviewDemo(sample_review())
    async with app.run_test(size=(80, 24)) as pilot:
        segments, detail = app.query_one(SegmentList), app.query_one(DetailPanel)
        await pilot.press("down", "down")
        await pilot.pause()
        assert detail.segment_index == 2
        assert [(f.before, f.after, f.state) for f in detail.fixes] == [("British talent", "elite talent", "accepted")]
        assert "elite talent breeding" in " ".join(segments.row_lines(2))
        await pilot.press("space")
        await pilot.pause()
        assert detail.fixes[0].state == "rejected"
        assert "elite" not in " ".join(segments.row_lines(2))
        assert "✗ rejected" in screen_text(app)
        await pilot.press("c")
        await pilot.pause()
        assert segments.row_lines(2)[0].startswith(" 3 ✓")
        assert segments.cursor == 3 and detail.segment_index == 3
        assert app.query_one(StatusLine).confirmed_segments == 1
