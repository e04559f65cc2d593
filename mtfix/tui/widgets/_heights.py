"""Where each row of a long list starts on screen, when row heights are learnt as rows are shown.

Wrapping 100,000 segments up front would take seconds, so every row starts with
an estimated height and gets its real one when it is first drawn or measured.
A Fenwick tree keeps the running totals: finding the row at a screen line and
correcting one row's height each cost O(log n).
"""

from __future__ import annotations

from array import array


class HeightIndex:
    """Heights of ``count`` rows, some known and the rest estimated.

    Args:
        count: The number of rows.
        estimate: The height assumed for a row not measured yet (at least 1).
    """

    def __init__(self, count: int, estimate: int = 1) -> None:
        self.count = count
        self.estimate = max(1, estimate)
        self._heights = array("l", [self.estimate]) * count
        self._measured = bytearray(count)
        self._tree = self._build(self._heights)
        self._top = 1 << max(0, count.bit_length() - 1) if count else 0
        self.total = self.estimate * count
        """The height of all rows together."""

    @staticmethod
    def _build(heights: array) -> array:
        count = len(heights)
        tree = array("l", [0]) * (count + 1)
        tree[1:] = heights
        for i in range(1, count + 1):
            parent = i + (i & -i)
            if parent <= count:
                tree[parent] += tree[i]
        return tree

    def height(self, index: int) -> int:
        """The height of row ``index``, measured or estimated."""
        return self._heights[index]

    def is_measured(self, index: int) -> bool:
        """Whether row ``index`` has its real height."""
        return bool(self._measured[index])

    def measured(self) -> list[int]:
        """The rows that have their real height."""
        return [i for i, m in enumerate(self._measured) if m]

    def set(self, index: int, height: int) -> int:
        """Record the real height of row ``index``.

        Returns:
            How much the height changed (0 when the estimate was right).
        """
        self._measured[index] = 1
        delta = height - self._heights[index]
        if delta:
            self._heights[index] = height
            self.total += delta
            tree, count = self._tree, self.count
            i = index + 1
            while i <= count:
                tree[i] += delta
                i += i & -i
        return delta

    def top(self, index: int) -> int:
        """The first screen line of row ``index`` (the height of all rows before it)."""
        total, tree = 0, self._tree
        i = min(index, self.count)
        while i > 0:
            total += tree[i]
            i -= i & -i
        return total

    def find(self, y: int) -> tuple[int, int]:
        """The row on screen line ``y`` and the line within that row.

        Returns:
            ``(row, line)``; ``row == count`` when ``y`` is past the last row.
        """
        if y < 0:
            return 0, 0
        if y >= self.total:
            return self.count, y - self.total
        position, remaining, tree = 0, y, self._tree
        step = self._top
        while step:
            nxt = position + step
            if nxt <= self.count and tree[nxt] <= remaining:
                position = nxt
                remaining -= tree[nxt]
            step >>= 1
        return position, remaining
