"""Reads one language's folder of a content folder (``content/<lang>/``)::

    guides/<id>.md   one guide: YAML front matter (title, summary, last_reviewed) + Markdown
    about.md         the about page, the same format
    quiz.yaml        question texts keyed by question and option id
    links.yaml       link labels keyed by link id
    desk.yaml        the desk requests' words (keyed by request id), the desk card's
                     phrases and the staff page, in this language

Ids are checked against structure.yaml; every problem goes to the :class:`ContentReader`.
"""
from __future__ import annotations

import re
from pathlib import Path

from contentlib.markdown import parse_markdown
from contentlib.model import (
    DESK_CARD_KEYS,
    DESK_PLACEHOLDERS,
    DESK_STAFF_KEYS,
    DeskRequestText,
    DeskTexts,
    Document,
    LanguageContent,
    LinkDef,
    LinkText,
    QuestionDef,
    QuestionText,
)
from contentlib.reader import ContentReader
from contentlib.structure import Structure
from contentlib.yaml_lines import line_of, show_value


def read_document(r: ContentReader, path: Path, doc_id: str, lang: str) -> Document | None:
    """A guide or about page in ``lang``; None when it is unreadable or has no front matter."""
    text = r.read_text(path)
    if text is None:
        return None
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        r.error(path, 1,
                "must start with a '---' front matter block (title, summary, last_reviewed)")
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        r.error(path, 1, "front matter is not closed by a '---' line")
        return None
    known = len(r.problems)
    front = r.load_yaml(path, "\n".join(lines[1:end]), line_offset=1)
    if front is None:
        if len(r.problems) == known:  # read, but empty
            r.error(path, 2, "front matter is empty: it needs title, summary, last_reviewed")
        return None
    if not isinstance(front, dict):
        r.error(path, 2, "front matter must be a mapping with title, summary, last_reviewed")
        return None
    for key, line in front.lines.items():
        front.lines[key] = line + 1
    r.lang = lang
    title = r.require_shown(path, front, "title", "front matter")
    summary = r.require_shown(path, front, "summary", "front matter")
    reviewed = front.get("last_reviewed")
    if not isinstance(reviewed, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", reviewed):
        r.error(path, line_of(front, "last_reviewed"), "'last_reviewed' must be a date YYYY-MM-DD")
        reviewed = ""
    blocks = parse_markdown("\n".join(lines[end + 1 :]), r, path, line_offset=end + 1)
    if not blocks:
        r.error(path, end + 2, "the guide has no text")
    seen_anchors: set[str] = set()
    for block in blocks:
        if block.anchor in seen_anchors:
            r.error(path, block.line, f"section id '{{#{block.anchor}}}' is used twice")
        if block.anchor:
            seen_anchors.add(block.anchor)
    review_line = line_of(front, "last_reviewed") or 2
    return Document(doc_id, lang, title, summary, reviewed, blocks, r.rel(path), review_line)


def read_quiz_texts(
    r: ContentReader, path: Path, lang: str, questions: list[QuestionDef]
) -> dict[str, QuestionText]:
    """The complete question texts in a quiz.yaml, by question id."""
    data = r.load_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        r.error(path, 1, "must map question ids to their texts")
        return {}
    by_id = {q.id: q for q in questions}
    result = {}
    for qid, entry in data.items():
        line = line_of(data, qid)
        if qid not in by_id:
            r.error(path, line, f"question '{show_value(qid)}' is not defined in structure.yaml")
            continue
        where = f"question '{qid}'"
        if isinstance(entry, dict):
            for key in set(entry) - {"question", "options", "explanation"}:
                r.error(path, line_of(entry, key), f"{where}: unknown field '{show_value(key)}'")
        question = r.require_shown(path, entry, "question", where)
        explanation = r.require_shown(path, entry, "explanation", where)
        options = entry.get("options") if isinstance(entry, dict) else None
        if not isinstance(options, dict):
            r.error(path, line_of(entry, "options", line),
                    f"{where}: 'options' must map option ids to text")
            continue
        texts: dict[str, str] = {}
        for oid, value in options.items():
            if oid not in by_id[qid].options:
                r.error(
                    path,
                    line_of(options, oid),
                    f"{where}: option '{show_value(oid)}' is not defined in structure.yaml",
                )
                continue
            texts[oid] = r.require_shown(path, options, oid, f"{where}.options")
        missing = [o for o in by_id[qid].options if o not in texts]
        if missing:
            r.error(path, line_of(entry, "options", line),
                    f"{where}: missing option text for {missing}")
            continue
        if question and explanation and all(texts.values()):
            result[qid] = QuestionText(qid, lang, question, texts, explanation)
    return result


def read_link_texts(
    r: ContentReader, path: Path, lang: str, links: list[LinkDef]
) -> dict[str, LinkText]:
    """The complete link labels and descriptions in a links.yaml, by link id."""
    data = r.load_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        r.error(path, 1, "must map link ids to label and description")
        return {}
    known = {link.id for link in links}
    result = {}
    for lid, entry in data.items():
        if lid not in known:
            r.error(path, line_of(data, lid),
                    f"link '{show_value(lid)}' is not defined in structure.yaml")
            continue
        if isinstance(entry, dict):
            for key in set(entry) - {"label", "description"}:
                r.error(path, line_of(entry, key),
                        f"link '{lid}': unknown field '{show_value(key)}'")
        label = r.require_shown(path, entry, "label", f"link '{lid}'")
        description = r.require_shown(path, entry, "description", f"link '{lid}'")
        if label and description:
            result[lid] = LinkText(lid, lang, label, description)
    return result


FIELD = re.compile(r"\{([^{}]*)\}")


def _phrases(r: ContentReader, path: Path, data: dict, section: str,
             keys: tuple[str, ...]) -> dict[str, str]:
    """The phrases under ``section`` (a mapping of ``keys``), each with exactly the
    ``{fields}`` :data:`DESK_PLACEHOLDERS` gives it; absent keys are left out."""
    entry = data.get(section)
    if entry is None:
        return {}
    if not isinstance(entry, dict):
        r.error(path, line_of(data, section), f"'{section}' must map names to text")
        return {}
    result = {}
    for key in entry:
        if key not in keys:
            r.error(path, line_of(entry, key),
                    f"{section}: unknown field '{show_value(key)}' (known: {', '.join(keys)})")
            continue
        text = r.require_shown(path, entry, key, section)
        fields = sorted(set(FIELD.findall(text)))
        wanted = sorted(DESK_PLACEHOLDERS.get(key, ()))
        if fields != wanted:
            r.error(path, line_of(entry, key),
                    f"{section}.{key}: must hold "
                    + (" ".join(f"{{{name}}}" for name in wanted) or "no {field}")
                    + ", found " + (" ".join(f"{{{name}}}" for name in fields) or "none"))
            continue
        if text:
            result[key] = text
    return result


def read_desk_texts(r: ContentReader, path: Path, lang: str,
                    requests: tuple[str, ...]) -> DeskTexts:
    """A desk.yaml: the complete request texts by id, the card's phrases, the staff page."""
    data = r.load_yaml(path)
    texts = DeskTexts()
    if data is None:
        return texts
    if not isinstance(data, dict):
        r.error(path, 1, "must map requests, card and staff to their texts")
        return texts
    for key in set(data) - {"requests", "card", "staff"}:
        r.error(path, line_of(data, key), f"unknown field '{show_value(key)}'")
    entries = data.get("requests") or {}
    if not isinstance(entries, dict):
        r.error(path, line_of(data, "requests"), "'requests' must map request ids to texts")
        entries = {}
    for rid, entry in entries.items():
        if rid not in requests:
            r.error(path, line_of(entries, rid),
                    f"request '{show_value(rid)}' is not in desk_requests in structure.yaml")
            continue
        if isinstance(entry, dict):
            for key in set(entry) - {"label", "text"}:
                r.error(path, line_of(entry, key),
                        f"request '{rid}': unknown field '{show_value(key)}'")
        label = r.require_shown(path, entry, "label", f"request '{rid}'")
        text = r.require_shown(path, entry, "text", f"request '{rid}'")
        if label and text:
            texts.requests[rid] = DeskRequestText(rid, lang, label, text)
    texts.card = _phrases(r, path, data, "card", DESK_CARD_KEYS)
    texts.staff = _phrases(r, path, data, "staff", DESK_STAFF_KEYS)
    return texts


def read_language(r: ContentReader, lang_dir: Path, structure: Structure) -> LanguageContent:
    """Everything in one language folder; a file that is missing is simply absent."""
    lang = lang_dir.name
    guide_ids = {g.id for g in structure.guides}
    content = LanguageContent(lang)
    guides_dir = lang_dir / "guides"
    for path in sorted(guides_dir.glob("*")) if guides_dir.is_dir() else []:
        if path.suffix != ".md":
            r.error(path, None, "only .md files belong in a guides folder")
            continue
        if path.stem not in guide_ids:
            r.error(path, None, f"guide '{path.stem}' is not defined in structure.yaml")
            continue
        doc = read_document(r, path, path.stem, lang)
        if doc is not None:
            content.guides[path.stem] = doc
    if (lang_dir / "about.md").is_file():
        content.about = read_document(r, lang_dir / "about.md", "about", lang)
    r.lang = lang
    if (lang_dir / "quiz.yaml").is_file():
        content.quiz = read_quiz_texts(r, lang_dir / "quiz.yaml", lang, structure.questions)
    if (lang_dir / "links.yaml").is_file():
        content.links = read_link_texts(r, lang_dir / "links.yaml", lang, structure.links)
    if (lang_dir / "desk.yaml").is_file():
        content.desk = read_desk_texts(r, lang_dir / "desk.yaml", lang, structure.desk_requests)
    return content
