"""Geometry of the dashboards' inline SVG charts, from plain numbers (templates draw it, escaped as usual)."""

from dataclasses import dataclass
from datetime import date

# The trend chart is drawn in a 400-unit-wide SVG with 17-unit labels: at 360 px a
# phone's card shows it about 286 px wide (labels ≈ 12 px); it grows at most to
# 30rem (labels ≈ 20 px). Coverage bars are plain HTML rows, so their text keeps
# the page's size on any screen.
WIDTH = 400
PLOT_HEIGHT = 150
MARGIN = 30
LEFT = 52


@dataclass(frozen=True)
class Bar:
    label: str
    percent: float
    width: float
    """Percent of the track, clamped to 0–100."""
    met: bool


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    target_percent: float | None
    target_left: float | None
    """Where the target line stands, as a percent of the track."""


def _clamp(percent: float) -> float:
    return max(0.0, min(100.0, percent))


def bar_chart(rows: list[tuple[str, float]], target_percent: float | None) -> BarChart:
    """Horizontal coverage bars (0–100%) with a vertical line at the target."""
    bars = [
        Bar(label, percent, round(_clamp(percent), 1), target_percent is not None and percent >= target_percent)
        for label, percent in rows
    ]
    target_left = None if target_percent is None else round(_clamp(target_percent), 1)
    return BarChart(bars, target_percent, target_left)


@dataclass(frozen=True)
class LineChart:
    points: str
    dots: list[tuple[float, float, date, float]]
    height: int
    target_y: float | None
    target_percent: float | None
    gridlines: list[tuple[float, int]]
    first_day: date | None
    last_day: date | None
    plot_left: int
    plot_right: int


def line_chart(series: list[tuple[date, float]], target_percent: float | None) -> LineChart:
    """A coverage trend (percent per week) with a horizontal target line."""
    left, right = LEFT, WIDTH - 10

    def y_of(percent: float) -> float:
        return round(MARGIN / 2 + PLOT_HEIGHT * (1 - _clamp(percent) / 100), 1)

    step = (right - left) / max(len(series) - 1, 1)
    dots = [(round(left + i * step, 1), y_of(p), day, p) for i, (day, p) in enumerate(series)]
    return LineChart(
        points=" ".join(f"{x},{y}" for x, y, _day, _p in dots),
        dots=dots,
        height=PLOT_HEIGHT + MARGIN + 16,
        target_y=None if target_percent is None else y_of(target_percent),
        target_percent=target_percent,
        gridlines=[(y_of(p), p) for p in (0, 50, 100)],
        first_day=series[0][0] if series else None,
        last_day=series[-1][0] if series else None,
        plot_left=left,
        plot_right=right,
    )
