"""Small hand-written SVG charts with log-scaled x axes (no matplotlib).

Used by report.py: line_chart for the bits/byte-against-input-size plot, scatter_panels for
the models' bits/byte against their compute and speed. Python 3 standard library only.
"""

import math
from dataclasses import dataclass
from html import escape
from typing import Callable, List, Optional, Sequence, Tuple


@dataclass
class Series:
    label: str
    points: List[Tuple[float, float]]   # (x > 0, y)
    color: str
    dashed: bool = False
    width: float = 2.0
    marker: str = "circle"              # circle, square, triangle, diamond, none
    opacity: float = 1.0
    z: int = 0                          # drawing order (higher on top); the legend keeps list order


def fmt_bytes(n: float) -> str:
    """100 -> '100 B', 1024 -> '1 KiB', 4194304 -> '4 MiB' (binary units)."""
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            v = n / scale
            return f"{v:.0f} {unit}" if abs(v - round(v)) < 1e-9 else f"{v:.1f} {unit}"
    return f"{n:.0f} B"


def _marker(kind: str, x: float, y: float, color: str) -> str:
    r = 3.6
    if kind == "none":
        return ""
    if kind == "square":
        return (f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" '
                f'fill="{color}"/>')
    if kind == "triangle":
        pts = f"{x:.1f},{y - r - 0.8:.1f} {x - r - 0.4:.1f},{y + r - 0.4:.1f} {x + r + 0.4:.1f},{y + r - 0.4:.1f}"
        return f'<polygon points="{pts}" fill="{color}"/>'
    if kind == "diamond":
        q = r + 0.8
        pts = f"{x:.1f},{y - q:.1f} {x + q:.1f},{y:.1f} {x:.1f},{y + q:.1f} {x - q:.1f},{y:.1f}"
        return f'<polygon points="{pts}" fill="{color}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{color}"/>'


def line_chart(series: Sequence[Series], *, title: str, subtitle: str, xlabel: str, ylabel: str,
               xticks: Sequence[float], y_max: Optional[float] = None,
               ref_line: Optional[Tuple[float, str]] = None, notes: Sequence[str] = (),
               width: int = 960, height: int = 640) -> str:
    """Returns an SVG document: log-x line chart, legend on the right."""
    left, right, top, bottom = 72, 238, 70, 66
    pw, ph = width - left - right, height - top - bottom
    xs = [p[0] for s in series for p in s.points] + list(xticks)
    ys = [p[1] for s in series for p in s.points]
    lx0, lx1 = math.log10(min(xs)), math.log10(max(xs))
    pad = 0.04 * (lx1 - lx0 or 1)
    lx0, lx1 = lx0 - pad, lx1 + pad
    top_y = y_max if y_max is not None else max(1.0, math.ceil(max(ys) if ys else 1.0))
    if ref_line and ref_line[0] > top_y:
        ref_line = None

    def X(v: float) -> float:
        return left + (math.log10(v) - lx0) / (lx1 - lx0) * pw

    def Y(v: float) -> float:
        return top + (1 - min(v, top_y) / top_y) * ph

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, Helvetica, sans-serif">',
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
           f'<text x="{left}" y="28" font-size="18" font-weight="bold" fill="#222">{escape(title)}</text>',
           f'<text x="{left}" y="50" font-size="13" fill="#555">{escape(subtitle)}</text>']
    # Grid and y ticks.
    step = 1.0 if top_y <= 12 else 2.0
    v = 0.0
    while v <= top_y + 1e-9:
        y = Y(v)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" '
                   f'stroke="#e3e3e3" stroke-width="1"/>')
        out.append(f'<text x="{left - 8}" y="{y + 4:.1f}" font-size="12" fill="#333" '
                   f'text-anchor="end">{v:g}</text>')
        v += step
    for t in xticks:
        x = X(t)
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + ph}" '
                   f'stroke="#ececec" stroke-width="1"/>')
        out.append(f'<line x1="{x:.1f}" y1="{top + ph}" x2="{x:.1f}" y2="{top + ph + 5}" stroke="#333"/>')
        out.append(f'<text x="{x:.1f}" y="{top + ph + 20}" font-size="12" fill="#333" '
                   f'text-anchor="middle">{escape(fmt_bytes(t))}</text>')
    if ref_line:
        y = Y(ref_line[0])
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" stroke="#999" '
                   f'stroke-width="1.2" stroke-dasharray="2 3"/>')
        out.append(f'<text x="{left + pw - 6}" y="{y - 6:.1f}" font-size="11" fill="#777" '
                   f'text-anchor="end">{escape(ref_line[1])}</text>')
    # Axes.
    out.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#333" '
               f'stroke-width="1"/>')
    out.append(f'<text x="{left + pw / 2:.1f}" y="{height - 18}" font-size="14" fill="#222" '
               f'text-anchor="middle">{escape(xlabel)}</text>')
    out.append(f'<text transform="translate(20,{top + ph / 2:.1f}) rotate(-90)" font-size="14" '
               f'fill="#222" text-anchor="middle">{escape(ylabel)}</text>')
    # Series: lines, then markers (clipped to the plot area at the top).
    out.append(f'<clipPath id="plot"><rect x="{left - 6}" y="{top - 6}" width="{pw + 12}" '
               f'height="{ph + 12}"/></clipPath><g clip-path="url(#plot)">')
    for s in sorted(series, key=lambda s: s.z):
        pts = sorted(s.points)
        if not pts:
            continue
        path = " ".join(f"{X(x):.1f},{Y(y):.1f}" for x, y in pts)
        dash = ' stroke-dasharray="7 4"' if s.dashed else ""
        out.append(f'<g opacity="{s.opacity:g}"><polyline points="{path}" fill="none" '
                   f'stroke="{s.color}" stroke-width="{s.width}" stroke-linejoin="round" '
                   f'stroke-linecap="round"{dash}/>')
        out += [_marker(s.marker, X(x), Y(y), s.color) for x, y in pts]
        out.append("</g>")
    out.append("</g>")
    # Legend.
    lx, ly = left + pw + 22, top + 8
    out.append(f'<text x="{lx}" y="{ly}" font-size="13" font-weight="bold" fill="#222">compressor</text>')
    for i, s in enumerate(series):
        y = ly + 24 + i * 24
        dash = ' stroke-dasharray="7 4"' if s.dashed else ""
        out.append(f'<g opacity="{s.opacity:g}"><line x1="{lx}" y1="{y}" x2="{lx + 34}" '
                   f'y2="{y}" stroke="{s.color}" stroke-width="{s.width}"{dash}/>')
        out.append(_marker(s.marker, lx + 17, y, s.color) + "</g>")
        out.append(f'<text x="{lx + 44}" y="{y + 4}" font-size="13" fill="#222">{escape(s.label)}</text>')
    for i, line in enumerate(notes):
        out.append(f'<text x="{lx}" y="{ly + 24 + len(series) * 24 + 14 + i * 17}" font-size="11.5" '
                   f'fill="#555">{escape(line)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- labelled scatter panels

@dataclass
class Point:
    x: float                            # > 0 (log-scaled)
    y: float
    label: str
    color: str = "#d62728"
    marker: str = "circle"


@dataclass
class Panel:
    xlabel: str
    points: List[Point]
    empty_note: str = "not measured"    # written across a panel without points
    fmt_x: Callable[[float], str] = str
    higher_x_better: bool = False       # speed, not cost


def fmt_count(n: float) -> str:
    """262144 -> '262k', 1.5e6 -> '1.5M' (decimal units, for axis ticks)."""
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if n >= scale:
            return f"{n / scale:.3g}{unit}"
    return f"{n:.3g}"


def _log_ticks(lo: float, hi: float) -> List[float]:
    """1-2-5 steps covering lo..hi; fewer when they would crowd."""
    for mantissas in ((1, 2, 5), (1, 3), (1,)):
        ticks = [m * 10.0 ** e for e in range(math.floor(math.log10(lo)) - 1,
                                               math.ceil(math.log10(hi)) + 1)
                 for m in mantissas if lo <= m * 10.0 ** e <= hi]
        if len(ticks) <= 7:
            break
    return ticks


def _pareto(points: Sequence[Point], higher_x_better: bool) -> List[Point]:
    """The points no other point beats on both axes (lower y is better)."""
    front, best_y = [], math.inf
    sign = -1 if higher_x_better else 1
    for p in sorted(points, key=lambda p: (sign * p.x, p.y)):
        if p.y < best_y:
            front.append(p)
            best_y = p.y
    return front


def scatter_panels(panels: Sequence[Panel], *, title: str, subtitle: str, ylabel: str,
                   notes: Sequence[str] = (), panel_width: int = 470,
                   height: int = 520) -> str:
    """Returns an SVG document: panels side by side sharing a linear y axis (lower is
    better), each a log-x scatter with a label beside every point and the points no other
    beats on both axes joined by a dashed line."""
    left, gap, right, top, bottom = 72, 60, 24, 78, 70 + 16 * len(notes)
    width = left + len(panels) * panel_width + (len(panels) - 1) * gap + right
    ph = height - top - bottom
    ys = [p.y for panel in panels for p in panel.points]
    y_lo, y_hi = (min(ys), max(ys)) if ys else (0.0, 1.0)
    span = max(y_hi - y_lo, 0.1)
    step = next(s for s in (0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0) if span / s <= 6)
    y_lo = math.floor((y_lo - 0.15 * span) / step) * step
    y_hi = math.ceil((y_hi + 0.15 * span) / step) * step

    def Y(v: float) -> float:
        return top + (y_hi - v) / (y_hi - y_lo) * ph

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, Helvetica, sans-serif">',
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
           f'<text x="{left}" y="28" font-size="18" font-weight="bold" fill="#222">{escape(title)}</text>',
           f'<text x="{left}" y="50" font-size="13" fill="#555">{escape(subtitle)}</text>',
           f'<text transform="translate(20,{top + ph / 2:.1f}) rotate(-90)" font-size="14" '
           f'fill="#222" text-anchor="middle">{escape(ylabel)}</text>']
    for i, panel in enumerate(panels):
        x0 = left + i * (panel_width + gap)
        pw = panel_width
        n = round((y_hi - y_lo) / step)
        for k in range(n + 1):
            v = y_lo + k * step
            out.append(f'<line x1="{x0}" y1="{Y(v):.1f}" x2="{x0 + pw}" y2="{Y(v):.1f}" '
                       f'stroke="#e3e3e3" stroke-width="1"/>')
            out.append(f'<text x="{x0 - 8}" y="{Y(v) + 4:.1f}" font-size="12" fill="#333" '
                       f'text-anchor="end">{v:.2f}</text>')
        out.append(f'<rect x="{x0}" y="{top}" width="{pw}" height="{ph}" fill="none" '
                   f'stroke="#333" stroke-width="1"/>')
        out.append(f'<text x="{x0 + pw / 2:.1f}" y="{top + ph + 42}" font-size="14" fill="#222" '
                   f'text-anchor="middle">{escape(panel.xlabel)}</text>')
        if not panel.points:
            out.append(f'<text x="{x0 + pw / 2:.1f}" y="{top + ph / 2:.1f}" font-size="14" '
                       f'fill="#777" text-anchor="middle">{escape(panel.empty_note)}</text>')
            continue
        xs = [p.x for p in panel.points]
        # A factor of 2 either side when the points are close, so that one point or two
        # near ones still get a readable scale.
        lx0, lx1 = math.log10(min(xs)), math.log10(max(xs))
        pad = max(0.15 * (lx1 - lx0), 0.3)
        lx0, lx1 = lx0 - pad, lx1 + pad

        def X(v: float, x0=x0, lx0=lx0, lx1=lx1) -> float:
            return x0 + (math.log10(v) - lx0) / (lx1 - lx0) * pw

        for t in _log_ticks(10 ** lx0, 10 ** lx1):
            out.append(f'<line x1="{X(t):.1f}" y1="{top}" x2="{X(t):.1f}" y2="{top + ph}" '
                       f'stroke="#ececec" stroke-width="1"/>')
            out.append(f'<line x1="{X(t):.1f}" y1="{top + ph}" x2="{X(t):.1f}" '
                       f'y2="{top + ph + 5}" stroke="#333"/>')
            out.append(f'<text x="{X(t):.1f}" y="{top + ph + 20}" font-size="12" fill="#333" '
                       f'text-anchor="middle">{escape(panel.fmt_x(t))}</text>')
        front = _pareto(panel.points, panel.higher_x_better)
        if len(front) > 1:
            path = " ".join(f"{X(p.x):.1f},{Y(p.y):.1f}" for p in front)
            out.append(f'<polyline points="{path}" fill="none" stroke="#999" '
                       f'stroke-width="1.2" stroke-dasharray="5 4"/>')
        # Each label beside its point, right or left (whichever fits in the panel), on the
        # nearest line up or down where it overlaps no label placed before nor any marker.
        placed: List[Tuple[float, float, float]] = []
        markers = [(X(p.x), Y(p.y)) for p in panel.points]
        for p in sorted(panel.points, key=lambda p: Y(p.y)):
            px, py = X(p.x), Y(p.y)
            out.append(_marker(p.marker, px, py, p.color))
            text_w = 6.6 * len(p.label)
            sides = [lx for lx in (px + 9, px - 9 - text_w) if x0 + 2 <= lx and lx + text_w <= x0 + pw - 2]
            sides = sides or [px + 9 if px < x0 + pw / 2 else px - 9 - text_w]

            def free(lx: float, ly: float) -> bool:
                return (top + 12 <= ly <= top + ph - 4
                        and not any(abs(ly - y) < 14 and lx < b and a < lx + text_w for a, b, y in placed)
                        and not any(lx - 4 < mx < lx + text_w + 4 and ly - 14 < my < ly + 4
                                    for mx, my in markers if (mx, my) != (px, py)))

            lx, ly = next(((lx, py + 4 + dy) for dy in (0, *(d * k for k in range(14, 127, 14) for d in (-1, 1)))
                           for lx in sides if free(lx, py + 4 + dy)), (sides[0], py + 4))
            placed.append((lx, lx + text_w, ly))
            out.append(f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="12" fill="{p.color}">'
                       f'{escape(p.label)}</text>')
    for i, line in enumerate(notes):
        out.append(f'<text x="{left}" y="{height - 12 - 16 * (len(notes) - 1 - i)}" '
                   f'font-size="11.5" fill="#555">{escape(line)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
