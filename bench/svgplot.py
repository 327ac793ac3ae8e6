"""A small hand-written SVG line chart with a log-scaled x axis (no matplotlib).

Used by report.py for the bits/byte-against-input-size plot. Python 3 standard library only.
"""

import math
from dataclasses import dataclass
from html import escape
from typing import List, Optional, Sequence, Tuple


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
