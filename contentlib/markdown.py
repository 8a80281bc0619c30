"""Converts a guide's Markdown body into the model's blocks and spans, refusing what the
kiosk cannot show (nested lists, raw HTML, tables, inline images, empty sections).

Supported: ``##`` and ``###`` headings (a ``##`` heading may carry a section id,
``{#municipal}``), paragraphs, bullet and numbered lists, an image alone in its paragraph,
and bold, italic, code and https links inside text.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from contentlib.model import Block, Span
from contentlib.reader import ContentReader

logging.getLogger("markdown_it").setLevel(logging.WARNING)

# "## Municipal elections {#municipal}": a section id, the same in every language.
HEADING_ANCHOR = re.compile(r"\s*\{#([a-z0-9][a-z0-9-]{0,31})\}\s*$")
LEFTOVER_EMPHASIS = re.compile(r"(\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*]))")

_md = MarkdownIt("commonmark")


def _inline_spans(token: Token, r: ContentReader, path: Path, line: int) -> tuple[Span, ...]:
    spans: list[Span] = []
    bold = italic = False
    href: str | None = None
    for child in token.children or []:
        t = child.type
        if t == "text":
            text = child.content
            if LEFTOVER_EMPHASIS.search(text):
                r.error(path, line, f"unclosed emphasis marker in {text.strip()!r}")
            spans.append(Span(r.shown_text(path, line, "text", text), bold, italic, href))
        elif t in ("softbreak", "hardbreak"):
            spans.append(Span(" ", bold, italic, href))
        elif t == "strong_open":
            bold = True
        elif t == "strong_close":
            bold = False
        elif t == "em_open":
            italic = True
        elif t == "em_close":
            italic = False
        elif t == "link_open":
            href = str(child.attrs.get("href", ""))
            if not href.startswith(("https://", "http://")):
                r.error(path, line, f"link target {href!r} must start with https://")
        elif t == "link_close":
            href = None
        elif t == "code_inline":
            spans.append(Span(child.content, bold, italic, href))
        elif t == "image":
            r.error(path, line, "an image must stand alone in its own paragraph")
        else:
            r.error(path, line, f"unsupported inline Markdown '{t}' (raw HTML is not allowed)")
    merged: list[Span] = []
    for span in spans:
        if not span.text:  # markdown-it's empty text around emphasis and links
            continue
        if merged and (merged[-1].bold, merged[-1].italic, merged[-1].href) == (
            span.bold, span.italic, span.href
        ):
            merged[-1] = Span(merged[-1].text + span.text, span.bold, span.italic, span.href)
        else:
            merged.append(span)
    return tuple(merged)


def _image_block(token: Token, r: ContentReader, path: Path, line: int) -> Block | None:
    children = [c for c in token.children or [] if not (c.type == "text" and not c.content.strip())]
    if len(children) != 1 or children[0].type != "image":
        return None
    image = children[0]
    src = str(image.attrs.get("src", ""))
    alt = "".join(c.content for c in image.children or [])
    if not alt.strip():
        r.error(path, line, f"image '{src}' needs a description (alt text)")
    if not r.is_media_file(src):
        r.error(path, line, f"image '{src}' not found under the content folder's media/")
    r.check_text(path, line, "image description", alt)
    return Block("image", src=src, alt=alt, line=line)


def parse_markdown(body: str, r: ContentReader, path: Path, line_offset: int) -> tuple[Block, ...]:
    """The blocks of ``body`` (which starts on line ``line_offset + 1`` of ``path``);
    every problem goes to ``r``."""
    tokens = _md.parse(body)
    blocks: list[Block] = []
    list_stack: list[tuple[str, list[tuple[Span, ...]]]] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        line = (tok.map[0] + 1 + line_offset) if tok.map else line_offset
        if tok.type == "heading_open":
            inline = tokens[i + 1]
            anchor = ""
            last = inline.children[-1] if inline.children else None
            found = HEADING_ANCHOR.search(last.content) if last is not None and last.type == "text" else None
            if found and last is not None:
                anchor = found.group(1)
                last.content = last.content[: found.start()]
                if tok.tag != "h2":
                    r.error(path, line, f"section id '{{#{anchor}}}' belongs on a '##' heading")
            spans = _inline_spans(inline, r, path, line)
            if tok.tag not in ("h2", "h3"):
                r.error(path, line, "use '##' or '###' headings; the title is in the front matter")
            level = 3 if tok.tag == "h3" else 2
            blocks.append(Block("heading", spans=spans, line=line, anchor=anchor, level=level))
            i += 3
            continue
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            if list_stack:
                r.error(path, line, "nested lists are not supported at the kiosk")
            list_stack.append(("bullets" if tok.type == "bullet_list_open" else "numbers", []))
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            kind, items = list_stack.pop()
            if not list_stack:
                blocks.append(Block(kind, items=tuple(items), line=line))  # type: ignore[arg-type]
        elif tok.type == "inline" and list_stack:
            list_stack[-1][1].append(_inline_spans(tok, r, path, line))
        elif tok.type == "inline":
            image = _image_block(tok, r, path, line)
            if image is not None:
                blocks.append(image)
            else:
                blocks.append(Block("paragraph", spans=_inline_spans(tok, r, path, line), line=line))
        elif tok.type in ("paragraph_open", "paragraph_close", "list_item_open", "list_item_close"):
            pass
        else:
            kind = tok.type.replace("_open", "")
            r.error(path, line, f"unsupported Markdown block '{kind}' (use text, lists, images)")
        i += 1
    for block in blocks:
        r.check_text(path, block.line, "text", block.plain_text())
    for first, second in zip(blocks, blocks[1:] + [None]):  # type: ignore[operator]
        opens_sub_sections = second is not None and second.kind == "heading" and second.level > first.level
        if first.kind == "heading" and (second is None or second.kind == "heading") and not opens_sub_sections:
            r.error(path, first.line, f"section '{first.plain_text()}' is empty")
    return tuple(blocks)
