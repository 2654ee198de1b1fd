"""The trend chart, drawn by the server: its geometry once, then as SVG (template) or PNG (Pillow, no browser).

Pillow draws the PNG from the same lines, points and axis labels as the SVG, so the two
downloads show the same chart; a period without any article is a gap in each line.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsarchive.search.trends import Trend

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont, ImageFont

WIDTH, HEIGHT = 800, 360
MARGIN = (56, 16, 40, 28)  # left, top, bottom, right: room for the axes' labels
# Okabe and Ito's colours, told apart by readers with any common colour blindness.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
MAX_X_LABELS = 8


@dataclass
class Point:
    x: float
    y: float
    period: str
    value: float
    count: int
    href: str


@dataclass
class Line:
    label: str
    colour: str
    points: list[Point] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)  # SVG paths, one per run of periods without a gap


@dataclass
class Chart:
    lines: list[Line]
    x_labels: list[tuple[float, str]]
    y_labels: list[tuple[float, str]]
    value: str  # "share", "count" or "stories"
    width: int = WIDTH
    height: int = HEIGHT


def _nice_top(top: float) -> float:
    """A round axis maximum at or above `top` (1, 2, 2.5 or 5 times a power of ten)."""
    if top <= 0:
        return 1.0
    scale = 10 ** math.floor(math.log10(top))
    return next(step * scale for step in (1, 2, 2.5, 5, 10) if step * scale >= top * (1 - 1e-12))


def trend_chart(trend: Trend, value: str, period_label: Callable[[str], str], href: Callable[[int, str], str]) -> Chart:
    """The chart of a trend: `value` per period for each series, x labels from `period_label`, points linking to `href`."""
    left, top, bottom, right = MARGIN
    plot_w, plot_h = WIDTH - left - right, HEIGHT - top - bottom
    periods = trend.periods()
    values = [v for s in trend.series for p in s.points if (v := p.measure(value)) is not None]
    y_top = _nice_top(max(values, default=0))
    step = plot_w / max(1, len(periods) - 1)
    lines = []
    for i, series in enumerate(trend.series):
        line = Line(series.label, COLOURS[i % len(COLOURS)])
        run: list[str] = []
        for j, p in enumerate(series.points):
            v = p.measure(value)
            if v is None:  # no article at all in the archive that period: a gap, not a zero
                if run:
                    line.segments.append(" ".join(run))
                run = []
                continue
            x, y = left + j * step, top + plot_h * (1 - v / y_top)
            line.points.append(Point(round(x, 2), round(y, 2), p.period, v, p.count, href(i, p.period)))
            run.append(f"{'M' if not run else 'L'}{x:.2f},{y:.2f}")
        if run:
            line.segments.append(" ".join(run))
        lines.append(line)
    every = max(1, -(-len(periods) // MAX_X_LABELS))
    x_labels = [(round(left + j * step, 2), period_label(p)) for j, p in enumerate(periods) if j % every == 0]
    y_labels = [(round(top + plot_h * (1 - k / 4), 2), _y_text(y_top * k / 4, value)) for k in range(5)]
    return Chart(lines, x_labels, y_labels, value)


def _y_text(v: float, value: str) -> str:
    if value == "share":
        return f"{v * 100:.3g} %"
    return f"{v:.0f}" if v == int(v) else f"{v:.1f}"


# Fonts with the accents of French dates ("févr.", "août"): Debian's DejaVu or Liberation (Chromium's
# dependencies bring them); else Pillow's own font, which lacks them, with the text spelt in ASCII.
FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")


def _font(size: int) -> tuple[FreeTypeFont | ImageFont, Callable[[str], str]]:
    from PIL import ImageFont

    for path in FONTS:
        try:
            return ImageFont.truetype(path, size), str
        except OSError:
            continue
    from unidecode import unidecode

    return ImageFont.load_default(size=size), unidecode


def chart_png(chart: Chart) -> bytes:
    """The chart as a PNG image, drawn with Pillow."""
    from PIL import Image, ImageDraw

    scale = 2  # drawn at twice the size, for sharp lines on high-density screens
    image = Image.new("RGB", (chart.width * scale, chart.height * scale), "white")
    draw = ImageDraw.Draw(image)
    draw.font, spell = _font(11 * scale)
    left, top, bottom, right = MARGIN
    x0, x1, y1 = left * scale, (chart.width - right) * scale, (chart.height - bottom) * scale
    for y, text in chart.y_labels:
        draw.line([(x0, y * scale), (x1, y * scale)], fill="#e5e5e5", width=1)
        draw.text(((left - 6) * scale, y * scale), spell(text), fill="#333333", anchor="rm")
    draw.line([(x0, y1), (x1, y1)], fill="#555555", width=scale)
    for x, text in chart.x_labels:
        draw.text((x * scale, y1 + 8 * scale), spell(text), fill="#333333", anchor="mt")
    for line in chart.lines:
        for segment in line.segments:  # "M x,y L x,y ...": the same runs as the SVG paths
            coords = [tuple(float(v) * scale for v in part[1:].split(",")) for part in segment.split()]
            if len(coords) > 1:
                draw.line(coords, fill=line.colour, width=2 * scale)
        for p in line.points:
            r = 2.5 * scale
            draw.ellipse([p.x * scale - r, p.y * scale - r, p.x * scale + r, p.y * scale + r], fill=line.colour)
    for i, line in enumerate(chart.lines):  # the legend, top left
        y = (top + 4 + 14 * i) * scale
        draw.rectangle([x0 + 8, y, x0 + 8 + 10 * scale, y + 4 * scale], fill=line.colour)
        draw.text((x0 + 14 + 10 * scale, y + 2 * scale), spell(line.label[:60]), fill="#111111", anchor="lm")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
