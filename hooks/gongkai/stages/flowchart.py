"""The 依申请公开 process flowchart, drawn as SVG at build time (part of render)."""
from __future__ import annotations

from xml.sax.saxutils import escape

WIDTH = 680
BOX_W, BOX_H, GAP = 300, 54, 30
MAIN_X = 40
SIDE_X = MAIN_X + BOX_W + 60

# (text lines, side note lines or None, shape)
STEPS = [
    (["申请人提出申请", "当面提交、邮政寄送或指南所列其他渠道"], None, "box"),
    (["登记受理", "确定收到申请之日（条例第三十一条）"], None, "box"),
    (["申请内容是否明确？"], ["否：7个工作日内一次性告知补正", "自收到补正申请之日起重新计算期限", "无正当理由逾期不补正的视为放弃申请"], "diamond"),
    (["审查", "涉及第三方的书面征求意见（15个工作日）"], ["征求第三方或其他机关意见的时间", "不计算在答复期限内（第三十三条）"], "box"),
    (["作出答复", "收到申请之日起20个工作日内"], ["需要延长的，经工作机构负责人同意", "并告知申请人，最长延长20个工作日"], "box"),
    (["出具答复书并送达", "予以公开、部分公开、不予公开、", "无法提供、不予处理等"], None, "box"),
]


def _text(x: float, y: float, lines: list[str], size: int = 14, anchor: str = "middle") -> str:
    out = []
    top = y - (len(lines) - 1) * (size + 4) / 2
    for i, line in enumerate(lines):
        weight = ' font-weight="bold"' if i == 0 and anchor == "middle" else ""
        out.append(f'<text x="{x}" y="{top + i * (size + 4):.0f}" font-size="{size if i == 0 else size - 2}"'
                   f' text-anchor="{anchor}" dominant-baseline="middle"{weight}>{escape(line)}</text>')
    return "".join(out)


def svg(standalone: bool = False) -> str:
    parts = []
    y = 20
    centers = []
    for lines, side, shape in STEPS:
        h = BOX_H + 18 * max(0, len(lines) - 2)
        cx, cy = MAIN_X + BOX_W / 2, y + h / 2
        if shape == "diamond":
            parts.append(f'<polygon points="{cx},{y} {MAIN_X + BOX_W},{cy} {cx},{y + h} {MAIN_X},{cy}" '
                         'class="gk-fc-box" fill="#fff8e1" stroke="#8a6d00" stroke-width="2"/>')
        else:
            parts.append(f'<rect x="{MAIN_X}" y="{y}" width="{BOX_W}" height="{h}" rx="8" '
                         'class="gk-fc-box" fill="#e8f0fe" stroke="#1a4f9c" stroke-width="2"/>')
        parts.append(_text(cx, cy, lines))
        if side:
            sh = 20 * len(side) + 16
            sy = cy - sh / 2
            parts.append(f'<line x1="{MAIN_X + BOX_W}" y1="{cy}" x2="{SIDE_X}" y2="{cy}" stroke="#444" '
                         'stroke-width="2" marker-end="url(#gk-arrow)"/>')
            parts.append(f'<rect x="{SIDE_X}" y="{sy}" width="{WIDTH - SIDE_X - 10}" height="{sh}" rx="6" '
                         'fill="#f5f5f5" stroke="#666" stroke-dasharray="4 3"/>')
            parts.append(_text(SIDE_X + 10, cy, side, size=13, anchor="start"))
        centers.append((cx, y, y + h))
        y += h + GAP
    for (cx, _, bottom), (_, top, _) in zip(centers, centers[1:]):
        parts.append(f'<line x1="{cx}" y1="{bottom}" x2="{cx}" y2="{top - 4}" stroke="#444" stroke-width="2" '
                     'marker-end="url(#gk-arrow)"/>')
    # label the "是" branch under the decision
    for (lines, _, shape), (cx, _, bottom) in zip(STEPS, centers):
        if shape == "diamond":
            parts.append(f'<text x="{cx + 8}" y="{bottom + 16}" font-size="13">是</text>')
    height = y
    ns = ' xmlns="http://www.w3.org/2000/svg"'
    head = (f'<svg{ns} viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
            'aria-labelledby="gk-fc-title gk-fc-desc" font-family="sans-serif" class="gk-flowchart">'
            '<title id="gk-fc-title">政府信息公开申请办理流程图</title>'
            '<desc id="gk-fc-desc">' + escape("；".join("".join(s[0]) for s in STEPS)) + '</desc>'
            '<defs><marker id="gk-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker></defs>')
    body = head + "".join(parts) + "</svg>"
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body) if standalone else body
