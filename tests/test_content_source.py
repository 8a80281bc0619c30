"""Validation of the editorial content folder: every problem names its file and line."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import CONTENT, GUIDE_IDS, bundled_content, bundled_load
from kiosk.content_cli import main as content_main
from contentlib.source import load_content

# The tests that break a file read English and the languages they break.
pytestmark = pytest.mark.content_languages("bg", "el")


def errors_of(folder: Path) -> list[str]:
    _content, problems = load_content(folder)
    return [str(p) for p in problems if p.severity == "error"]


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def test_bundled_content_is_valid() -> None:
    content, problems = bundled_load()
    assert problems == []
    assert content is not None
    assert [g.id for g in content.guides] == GUIDE_IDS
    assert len(content.guides) >= 13 and len(content.questions) >= 30
    assert {"en", "bg", "el"} <= set(content.translations)
    # every guide lists sources and every question points at an existing guide
    assert all(g.sources for g in content.guides)
    assert {q.guide for q in content.questions} <= {g.id for g in content.guides}


def test_guide_blocks_cover_the_markdown_features() -> None:
    content = bundled_content()
    doc = content.translations["en"].guides["ep-voting"]
    kinds = {b.kind for b in doc.blocks}
    assert {"heading", "paragraph", "bullets", "numbers", "image"} <= kinds
    spans = [s for b in doc.blocks for s in b.spans]
    assert any(s.bold for s in spans)
    assert any(s.href and s.href.startswith("https://europa.eu/") for s in spans)


def test_answer_keys_come_only_from_the_structure(content_copy: Path) -> None:
    """A translation cannot carry its own answer: an option id unknown to the structure
    is an error, so every language shares one answer key by construction."""
    quiz = content_copy / "bg" / "quiz.yaml"
    replace_in(quiz, "    one-only:", "    invented-option:")
    errors = errors_of(content_copy)
    line = line_of(quiz, "invented-option")
    assert any(f"bg/quiz.yaml:{line}:" in e and "invented-option" in e for e in errors), errors


def test_broken_yaml_names_file_and_line(content_copy: Path) -> None:
    quiz = content_copy / "en" / "quiz.yaml"
    replace_in(quiz, "ep-one-vote:\n", "ep-one-vote: [unclosed\n")
    line = line_of(quiz, "[unclosed")
    errors = errors_of(content_copy)
    assert len(errors) >= 1
    match = [e for e in errors if "en/quiz.yaml:" in e and "broken YAML" in e]
    assert match, errors
    reported = int(re.search(r"quiz\.yaml:(\d+):", match[0]).group(1))
    assert abs(reported - line) <= 1


def test_answer_pointing_at_a_missing_option(content_copy: Path) -> None:
    structure = content_copy / "structure.yaml"
    replace_in(structure, "answer: one-only", "answer: three-votes")
    line = line_of(structure, "answer: three-votes")
    errors = errors_of(content_copy)
    assert f"content/structure.yaml:{line}: error: question 'ep-one-vote': answer 'three-votes' is not one of its options ['both', 'one-only', 'home-only']" in errors


def test_question_referring_to_an_absent_guide(content_copy: Path) -> None:
    structure = content_copy / "structure.yaml"
    replace_in(structure, "guide: ep-voting", "guide: ep-votign")
    line = line_of(structure, "guide: ep-votign")
    errors = errors_of(content_copy)
    assert any(e.startswith(f"content/structure.yaml:{line}:") and "'ep-votign' is not defined" in e
               for e in errors), errors


def test_every_bundled_guide_has_a_known_icon() -> None:
    from contentlib.icons import icon_names

    content = bundled_content()
    icons = {g.id: g.icon for g in content.guides}
    assert all(icons.values()), [gid for gid, icon in icons.items() if not icon]
    assert set(icons.values()) <= icon_names()
    assert icons["ep-voting"] == "ballot" and icons["get-help"] == "help-circle"


@pytest.mark.parametrize(
    ("icon", "message"),
    [
        ("bulhorn", "unknown icon 'bulhorn'"),
        ("42", "icon must be an icon name such as 'vote', not 42"),
    ],
)
def test_an_unknown_guide_icon_is_an_error_naming_file_and_line(
    content_copy: Path, icon: str, message: str
) -> None:
    structure = content_copy / "structure.yaml"
    replace_in(structure, "  icon: bullhorn\n", f"  icon: {icon}\n")
    line = line_of(structure, f"  icon: {icon}")
    errors = errors_of(content_copy)
    assert any(e.startswith(f"content/structure.yaml:{line}: error: guide 'other-ways': {message}")
               for e in errors), errors
    if icon == "bulhorn":
        assert any("did you mean 'bullhorn'" in e for e in errors), errors
    assert content_main(["check", str(content_copy)]) != 0


def test_translation_of_an_undefined_guide(content_copy: Path) -> None:
    extra = content_copy / "el" / "guides" / "no-such-guide.md"
    extra.write_text("---\ntitle: x\nsummary: y\nlast_reviewed: 2026-01-01\n---\n\ntext\n", encoding="utf-8")
    assert any("el/guides/no-such-guide.md" in e and "not defined" in e for e in errors_of(content_copy))


@pytest.mark.parametrize(
    "markup",
    ["[b]bold[/b]", "[ref=x]click[/ref]", "[color=ff0000]red[/color]", "[size=40]big[/size]"],
)
def test_kivy_markup_in_a_translation_is_an_error(content_copy: Path, markup: str) -> None:
    guide = content_copy / "bg" / "guides" / "municipal-voting.md"
    text = guide.read_text(encoding="utf-8").splitlines()
    paragraph_line = next(i for i, l in enumerate(text, start=1) if l and not l.startswith(("#", "-", "---")) and i > 6)
    text[paragraph_line - 1] = f"{text[paragraph_line - 1]} {markup}"
    guide.write_text("\n".join(text) + "\n", encoding="utf-8")
    errors = errors_of(content_copy)
    assert any(f"bg/guides/municipal-voting.md:{paragraph_line}:" in e and "Kivy markup" in e
               for e in errors), errors


def test_kivy_markup_in_a_quiz_text_is_an_error(content_copy: Path) -> None:
    quiz = content_copy / "el" / "quiz.yaml"
    text = quiz.read_text(encoding="utf-8")
    text = text.replace("  explanation:", "  explanation: \"[i]x[/i]\"\n  unused_explanation:", 1)
    quiz.write_text(text, encoding="utf-8")
    line = line_of(quiz, "[i]x[/i]")
    assert any(f"el/quiz.yaml:{line}:" in e and "Kivy markup" in e for e in errors_of(content_copy))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("a **bold** claim", None, None),
        ("## One vote only", "## One vote only\n\n<div>raw html</div>", "unsupported Markdown block 'html_block'"),
        ("You vote **either**", "You vote **either", "unclosed emphasis marker"),
        ("## The conditions\n", "## The conditions\n\n## Extra empty section\n", "is empty"),
        ("---\ntitle:", "title:", "must start with a '---' front matter block"),
        ("title: Voting in European", "title: [Voting in European", "broken YAML"),
    ],
)
def test_broken_markdown_is_reported(content_copy: Path, old: str, new: str | None, message: str | None) -> None:
    guide = content_copy / "en" / "guides" / "ep-voting.md"
    if new is None:
        assert errors_of(content_copy) == []
        return
    replace_in(guide, old, new)
    errors = errors_of(content_copy)
    assert any("en/guides/ep-voting.md:" in e and message in e for e in errors), errors


def test_check_command_prints_table_and_fails_on_errors(content_copy: Path, capsys) -> None:
    assert content_main(["check", str(CONTENT)]) == 0
    out = capsys.readouterr().out
    assert re.search(
        r"^en\s+(\d+)/\1\s+1/1\s+(\d+)/\2\s+(\d+)/\3\s+(\d+)/\4\s+100\.0%\s+\d{4}-\d{2}-\d{2}$", out, re.M
    ), out  # the last column is the language's oldest review
    assert "No errors." in out

    replace_in(content_copy / "structure.yaml", "answer: day-90", "answer: day-91")
    assert content_main(["check", str(content_copy)]) == 1
    captured = capsys.readouterr()
    assert "structure.yaml:" in captured.err and "answer 'day-91'" in captured.err
    assert "1 error(s)" in captured.err


def test_check_reports_a_missing_translation_as_incomplete(content_copy: Path, capsys) -> None:
    (content_copy / "bg" / "guides" / "ep-voting.md").unlink()
    assert content_main(["check", str(content_copy), "--locales", str(CONTENT.parent / "locales")]) == 0
    out = capsys.readouterr().out
    total = len(GUIDE_IDS)
    assert re.search(rf"^bg\s+{total - 1}/{total}\s", out, re.M), out
