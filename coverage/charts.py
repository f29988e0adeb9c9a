"""Geometry of the dashboards' inline SVG charts, from plain numbers (templates draw it, escaped as usual)."""

from dataclasses import dataclass
from datetime import date

WIDTH = 600
LABEL_WIDTH = 110
VALUE_WIDTH = 60
BAR_HEIGHT = 24
BAR_GAP = 10
PLOT_HEIGHT = 180
MARGIN = 30


@dataclass(frozen=True)
class Bar:
    label: str
    percent: float
    y: int
    width: float
    text_y: int


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int
    target_x: float | None
    target_percent: float | None
    plot_x: int
    plot_width: int
    value_x: int


def _clamp(percent: float) -> float:
    return max(0.0, min(100.0, percent))


def bar_chart(rows: list[tuple[str, float]], target_percent: float | None) -> BarChart:
    """Horizontal coverage bars (0–100%) with a vertical line at the target."""
    plot_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for index, (label, percent) in enumerate(rows):
        y = BAR_GAP + index * (BAR_HEIGHT + BAR_GAP)
        bars.append(Bar(label, percent, y, round(plot_width * _clamp(percent) / 100, 1), y + BAR_HEIGHT // 2 + 5))
    height = BAR_GAP + len(rows) * (BAR_HEIGHT + BAR_GAP)
    target_x = None if target_percent is None else round(LABEL_WIDTH + plot_width * _clamp(target_percent) / 100, 1)
    return BarChart(bars, height, target_x, target_percent, LABEL_WIDTH, plot_width, LABEL_WIDTH + plot_width + 6)


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
    left, right = MARGIN + 10, WIDTH - 10

    def y_of(percent: float) -> float:
        return round(MARGIN / 2 + PLOT_HEIGHT * (1 - _clamp(percent) / 100), 1)

    step = (right - left) / max(len(series) - 1, 1)
    dots = [(round(left + i * step, 1), y_of(p), day, p) for i, (day, p) in enumerate(series)]
    return LineChart(
        points=" ".join(f"{x},{y}" for x, y, _day, _p in dots),
        dots=dots,
        height=PLOT_HEIGHT + MARGIN + 10,
        target_y=None if target_percent is None else y_of(target_percent),
        target_percent=target_percent,
        gridlines=[(y_of(p), p) for p in (0, 50, 100)],
        first_day=series[0][0] if series else None,
        last_day=series[-1][0] if series else None,
        plot_left=left,
        plot_right=right,
    )
