"""The search page's own stylesheet: the theme's rules that can apply to it, made at each build."""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Callable

from ..core.cache import digest

# The search page is the first page many visitors open. It links, instead of the theme's whole stylesheet
# (main.css and palette.css, ~150 KB), the theme's rules that can apply to it: a rule is kept when one of
# its selectors, loosened to every state the page can enter, matches the page's markup or the elements the
# scripts add (SEARCH_UI). Loosening drops pseudo-classes and pseudo-elements (:hover, :checked, :not(),
# ::before …), the classes a script of the page toggles with classList (Material's md-header--shadow …) and
# the attributes it sets (hidden, aria-expanded …), so a toggled drawer or a filled result list is covered.
# Elements the theme's script creates for what this page does not have (code blocks, tooltips, versions,
# its own search) are not. At-rules holding rules (@media, @supports) keep the rules kept; every other
# at-rule (@font-face, @keyframes, @page) is kept whole; custom properties nothing reads are dropped. The file
# is made at each build from the theme's own files, so it follows a theme upgrade; tests/test_search_styles.py
# compares every computed style with the full and the reduced sheet.

# Elements search.js adds to the page (its render(), showChips() and filter select boxes), at the
# data-gk-* hook they are added under: matched with the page's markup.
SEARCH_UI = {
    "data-gk-results": '<li><h3><a href="x"><mark>x</mark></a></h3><p class="gk-hit-meta"><span class="gk-hit-site">'
                       'x</span><mark>x</mark><time datetime="2024-01-01">x</time></p><p class="gk-hit-parent"><a '
                       'href="x">x</a></p><p class="gk-hit-excerpt"><mark>x</mark></p></li>',
    "data-gk-chips": '<li><button type="button" class="gk-chip" data-gk-chip="x" aria-label="x">x <span '
                     'aria-hidden="true">x</span></button></li>',
    "data-gk-filters": '<div class="gk-filter"><label for="gk-f-x">x</label><select id="gk-f-x" name="x"><option '
                       'value="">x</option><option value="x">x</option></select></div>',
}
STATE_ATTRIBUTES = {"hidden", "open", "checked", "disabled", "selected", "value", "style"}  # set as properties
_THEME_CSS = re.compile(r'<link rel="stylesheet" href="([^"]*assets/stylesheets/[^"]+\.css)">\n?')
_ANY_CSS = re.compile(r'<link rel="stylesheet" href="([^"]+\.css)">')
_SCRIPT_SRC = re.compile(r'<script\b[^>]*?\b(?:data-gk-src|src)="([^"]+\.js)"')
_SET_ATTRIBUTE = re.compile(r"""(?:set|remove|toggle|has)Attribute(?:NS)?\(\s*(?:null\s*,\s*)?["'`]([\w-]+)""")
_CLASS_CALL = re.compile(r"classList\.(?:add|remove|toggle|replace)\(([^)]*)\)")
_QUOTED = re.compile(r"""["'`]([\w-]+)["'`]""")
_COMBINATOR = re.compile(r"\s*([>+~])\s*|\s+")
_NAME = re.compile(r"(?:[\w-]|\\.)+")
_LOOSE_ARGS = ("is", "where", "matches", "any", "-webkit-any", "-moz-any")


def _string_end(text: str, i: int) -> int:
    """The index of the quote closing the quoted string that starts at text[i]."""
    j = i + 1
    while j < len(text) and text[j] != text[i]:
        j += 2 if text[j] == "\\" else 1
    return j


def _close(text: str, i: int, opening: str, closing: str) -> int:
    """The index of the bracket closing the one at text[i], past quoted strings and comments."""
    depth = 0
    while i < len(text):
        c = text[i]
        if c in "\"'":
            i = _string_end(text, i)
        elif c == "/" and text.startswith("/*", i):
            i = text.index("*/", i) + 1
        elif c == opening:
            depth += 1
        elif c == closing:
            depth -= 1
            if not depth:
                return i
        i += 1
    raise ValueError(f"unclosed {opening}")


def _split_top(text: str, sep: str = ",") -> list[str]:
    """A selector list split at its top-level commas (declarations at their semicolons: sep=";")."""
    out, start, i = [], 0, 0
    while i < len(text):
        c = text[i]
        if c in "([":
            i = _close(text, i, c, ")" if c == "(" else "]")
        elif c in "\"'":
            i = _string_end(text, i)
        elif c == sep:
            out.append(text[start:i])
            start = i + 1
        i += 1
    out.append(text[start:])
    return [s.strip() for s in out if s.strip()]


def loosen(selector: str, classes: set[str], attributes: set[str]) -> str:
    """The selector matching an element in any state the page can enter: pseudo-classes and pseudo-elements
    dropped (those taking a selector list, like :is(), loosened inside), and the classes and attributes a
    script sets (aria-* always); a compound left empty becomes *."""
    out, compound, i, s = [], [], 0, selector.strip()

    def flush():
        out.append("".join(compound) or "*")
        compound.clear()
    while i < len(s):
        m = _COMBINATOR.match(s, i)
        if m and m.end() > i:
            flush()
            out.append(m.group(1) or " ")
            i = m.end()
        elif s[i] == "[":
            j = _close(s, i, "[", "]")
            name = _NAME.match(s, i + 1 + len(s[i + 1:j]) - len(s[i + 1:j].lstrip()))
            if not name or (name.group(0).lower() not in attributes and not name.group(0).startswith("aria-")):
                compound.append(s[i:j + 1])
            i = j + 1
        elif s[i] == ":":
            colons = 2 if s.startswith("::", i) else 1
            name = _NAME.match(s, i + colons)
            i = name.end() if name else i + colons
            if i < len(s) and s[i] == "(":
                j = _close(s, i, "(", ")")
                if colons == 1 and name and name.group(0).lower() in _LOOSE_ARGS:
                    inner = (loosen(a, classes, attributes) for a in _split_top(s[i + 1:j]))
                    compound.append(":is(" + ",".join(inner) + ")")
                i = j + 1
        elif s[i] in ".#":
            name = _NAME.match(s, i + 1)
            if s[i] == "#" or name.group(0).replace("\\", "") not in classes:
                compound.append(s[i] + name.group(0))
            i = name.end()
        else:
            name = _NAME.match(s, i)
            if name:
                compound.append(name.group(0))
                i = name.end()
            else:
                compound.append(s[i])
                i += 1
    flush()
    return "".join(out)


def _rules(css: str):
    """The top-level rules of a stylesheet: (prelude, body) with body None for a statement like @charset."""
    i = 0
    while i < len(css):
        if css.startswith("/*", i):
            i = css.index("*/", i) + 2
            continue
        if css[i].isspace():
            i += 1
            continue
        j = i
        while j < len(css) and css[j] not in "{;":
            if css[j] in "\"'":
                j = _string_end(css, j)
            elif css[j] in "([":
                j = _close(css, j, css[j], ")" if css[j] == "(" else "]")
            j += 1
        if j >= len(css) or css[j] == ";":
            yield css[i:j].strip(), None
            i = j + 1
            continue
        end = _close(css, j, "{", "}")
        yield css[i:j].strip(), css[j + 1:end]
        i = end + 1


def reduce_stylesheet(css: str, keep: Callable[[str], bool], drop: set[str] = frozenset()) -> str:
    """The rules of css with a selector list that keep() accepts, without declarations of the custom
    properties in drop (a rule left empty goes); @media and @supports with the rules they keep; every other
    at-rule as it is. Comments (and the source map reference) dropped."""
    out = []
    for prelude, body in _rules(css):
        if prelude.startswith("@"):
            name = prelude[1:].split(None, 1)[0].split("(")[0].lower()
            if body is None:
                out.append(prelude + ";")
            elif name in ("media", "supports", "document", "layer", "container"):
                inner = reduce_stylesheet(body, keep, drop)
                if inner:
                    out.append(prelude + "{" + inner + "}")
            else:
                out.append(prelude + "{" + body + "}")
        elif keep(prelude):
            if drop:
                body = ";".join(d for d in _split_top(body, ";") if d.split(":", 1)[0].strip() not in drop)
            if body:
                out.append(prelude + "{" + body + "}")
    return "".join(out)


_VAR = re.compile(r"var\(\s*(--[\w-]+)")


def unread_properties(css: str, readers: str) -> set[str]:
    """The custom properties css declares that nothing reads: no var() in css outside their own
    declarations, nor in `readers` (the page's other stylesheets and its scripts, which may read or name
    them), nor in the value of a property that is read."""
    values: dict[str, list[str]] = defaultdict(list)
    rest = [readers]

    def walk(text: str):
        for prelude, body in _rules(text):
            name = prelude[1:].split(None, 1)[0].split("(")[0].lower() if prelude.startswith("@") else ""
            if name in ("media", "supports", "document", "layer", "container"):
                walk(body)
            elif name or body is None:
                rest.append(body or prelude)
            else:
                for decl in _split_top(body, ";"):
                    prop, _, value = decl.partition(":")
                    (values[prop.strip()] if prop.strip().startswith("--") else rest).append(value)
    walk(css)
    read = set(_VAR.findall(" ".join(rest))) | set(re.findall(r"--[\w-]+", readers))
    todo = list(read)
    while todo:
        for value in values.get(todo.pop(), []):
            for name in _VAR.findall(value):
                if name not in read:
                    read.add(name)
                    todo.append(name)
    return set(values) - read


def page_styles(html: str, here: str, read: Callable[[str], str | None]) -> tuple[str, dict[str, bytes]]:
    """The page (at site path `here`, e.g. "search/") linking one reduced copy of the theme's stylesheets
    (every <link> to assets/stylesheets/), and that file by site path. read(site path) → the text of a
    stylesheet or script of the site. A page without theme stylesheets is returned as it is."""
    import posixpath

    from selectolax.lexbor import LexborHTMLParser

    links = list(_THEME_CSS.finditer(html))
    if not links:
        return html, {}

    def site_path(href: str) -> str:
        return posixpath.normpath(posixpath.join(here, href))
    sheets = [read(site_path(m.group(1))) for m in links]
    if None in sheets:                  # a stylesheet not found: the page keeps the theme's links
        return html, {}
    scripts = "\n".join(read(site_path(src)) or "" for src in _SCRIPT_SRC.findall(html))
    css = "\n".join(sheets)
    classes = {c for args in _CLASS_CALL.findall(scripts) for c in _QUOTED.findall(args)}
    attributes = STATE_ATTRIBUTES | {a.lower() for a in _SET_ATTRIBUTE.findall(scripts)}
    markup = html
    for hook, sample in SEARCH_UI.items():
        markup = re.sub(rf"(<[^>]*\b{hook}\b[^>]*>)", lambda m: m.group(1) + sample, markup, count=1)
    tree = LexborHTMLParser(markup)
    seen: dict[str, bool] = {}

    def matches(selector: str) -> bool:
        loose = loosen(selector, classes, attributes)
        if loose not in seen:
            try:
                seen[loose] = tree.css_first(loose) is not None
            except Exception:           # a selector lexbor cannot read: kept
                seen[loose] = True
        return seen[loose]
    reduced = reduce_stylesheet(css, lambda prelude: any(matches(s) for s in _split_top(prelude)))
    others = "\n".join(read(site_path(href)) or "" for href in _ANY_CSS.findall(html)
                       if href not in {m.group(1) for m in links})
    unread = unread_properties(reduced, others + scripts)
    reduced = reduce_stylesheet(reduced, lambda prelude: True, unread).encode()
    path = f"assets/stylesheets/gk-page.{digest('page-css', reduced.decode())[:8]}.min.css"
    href = posixpath.relpath(path, here.rstrip("/") or ".")
    at = links[0].start()
    html = html[:at] + f'<link rel="stylesheet" href="{href}">\n' + _THEME_CSS.sub("", html[at:])
    return html, {path: reduced}
