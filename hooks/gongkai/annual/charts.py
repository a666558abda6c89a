"""Annual-report charts drawn as SVG at build time (part of render): no script,
no outside request. Each chart carries <title> and <desc>; the page shows the
numbers as a table next to it (the text alternative)."""
from __future__ import annotations

import re
from xml.sax.saxutils import escape

# Distinguishable for common colour-vision deficiencies (Okabe–Ito), dark enough for white text.
PALETTE = ("#0d47a1", "#c25e00", "#00796b", "#ad1457", "#5e35b1", "#7a6a00", "#455a64", "#2e7d32")
WIDTH = 680
LABEL_W = 150
ROW_H, BAR_H = 30, 20
FONT = 13
MAX_SERIES = 6            # columns beyond these are drawn together as OTHERS
OTHERS = "其他栏目"


def short(label: str) -> str:
    """A row label without its trailing （…） note, for chart axes."""
    return re.sub(r"（[^（）]*）$", "", label) or label


def _svg(ident: str, title: str, desc: str, height: int, body: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
            f'height="{height}" role="img" aria-labelledby="{ident}-t {ident}-d" class="gk-chart" '
            f'font-size="{FONT}"><title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
            f'{body}</svg>')


def series_names(series: dict[int, dict[str, int]]) -> list[str]:
    """Stack order: the largest columns first, the rest merged into OTHERS."""
    totals: dict[str, int] = {}
    for row in series.values():
        for name, n in row.items():
            totals[name] = totals.get(name, 0) + n
    names = sorted(totals, key=lambda n: (-totals[n], n))
    return names if len(names) <= MAX_SERIES + 1 else names[:MAX_SERIES] + [OTHERS]


def grouped(series: dict[int, dict[str, int]]) -> dict[int, dict[str, int]]:
    """Per year, counts for series_names (OTHERS summed)."""
    names = series_names(series)
    out = {}
    for year, row in series.items():
        out[year] = {n: row.get(n, 0) for n in names if n != OTHERS}
        if OTHERS in names:
            out[year][OTHERS] = sum(v for k, v in row.items() if k not in out[year])
    return out


def stacked_years(series: dict[int, dict[str, int]], title: str, ident: str) -> str:
    """One horizontal bar per year, stacked by column, with a legend."""
    data = grouped(series)
    names = series_names(series)
    peak = max([sum(r.values()) for r in data.values()] + [1])
    scale = (WIDTH - LABEL_W - 60) / peak
    parts, y = [], 10
    for year, row in data.items():
        x = LABEL_W
        parts.append(f'<text x="{LABEL_W - 8}" y="{y + BAR_H / 2}" text-anchor="end" dominant-baseline="middle">'
                     f'{year}年</text>')
        for i, name in enumerate(names):
            w = row.get(name, 0) * scale
            if w:
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR_H}" fill="{PALETTE[i % len(PALETTE)]}">'
                             f'<title>{year}年 {escape(name)}：{row[name]}条</title></rect>')
            x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{y + BAR_H / 2}" dominant-baseline="middle">{sum(row.values())}</text>')
        y += ROW_H
    y += 8
    lx = 10
    for i, name in enumerate(names):
        width = 24 + len(name) * FONT + 16
        if lx + width > WIDTH:
            lx, y = 10, y + 22
        parts.append(f'<rect x="{lx}" y="{y}" width="14" height="14" fill="{PALETTE[i % len(PALETTE)]}"/>'
                     f'<text x="{lx + 20}" y="{y + 7}" dominant-baseline="middle">{escape(name)}</text>')
        lx += width
    desc = "；".join(f"{year}年共{sum(row.values())}条（" + "、".join(f"{n}{v}条" for n, v in row.items() if v) + "）"
                     for year, row in data.items())
    return _svg(ident, title, desc + "。", y + 24, "".join(parts))


def bars(rows: list[tuple[str, int]], title: str, ident: str, unit: str = "件") -> str:
    """Horizontal bars, one per labelled value."""
    peak = max([v for _, v in rows] + [1])
    label_w = max(LABEL_W, max((len(short(label)) for label, _ in rows), default=0) * FONT + 16)
    scale = (WIDTH - label_w - 60) / peak
    parts, y = [], 10
    for label, v in rows:
        w = v * scale
        parts.append(f'<text x="{label_w - 8}" y="{y + BAR_H / 2}" text-anchor="end" dominant-baseline="middle">'
                     f'{escape(short(label))}</text>')
        if w:
            parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{BAR_H}" fill="{PALETTE[0]}"/>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + BAR_H / 2}" dominant-baseline="middle">{v}</text>')
        y += ROW_H
    desc = "；".join(f"{short(label)}{v}{unit}" for label, v in rows)
    return _svg(ident, title, desc + "。", y + 6, "".join(parts))
