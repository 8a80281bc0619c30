"""The "Continue on your phone" addresses (kiosk.core.phone_links) and the config key that
turns them on (``web_base_url``)."""
from __future__ import annotations

from pathlib import Path

import pytest

from contentlib.model import ABOUT_ID
from kiosk.config import ConfigError, parse_config
from kiosk.core.phone_links import guide_page_url, quiz_page_url

BASE = "https://kiosk.example.org/eu"


@pytest.mark.parametrize("base", [BASE, BASE + "/"])
def test_guide_pages_are_the_online_editions_with_or_without_a_final_slash(base: str) -> None:
    assert guide_page_url(base, "el", "ep-voting") == f"{BASE}/el/guides/ep-voting/"
    assert guide_page_url(base, "bg", "register-italy") == f"{BASE}/bg/guides/register-italy/"


def test_the_about_text_is_the_about_page_not_a_guide() -> None:
    assert ABOUT_ID == "about"
    assert guide_page_url(BASE, "el", ABOUT_ID) == f"{BASE}/el/about/"


def test_the_quiz_page_is_per_language() -> None:
    assert quiz_page_url(BASE, "bg") == f"{BASE}/bg/quiz/"
    assert quiz_page_url("http://intranet.local", "en") == "http://intranet.local/en/quiz/"


def test_no_online_edition_means_no_address() -> None:
    assert guide_page_url("", "el", "ep-voting") == ""
    assert guide_page_url("", "el", ABOUT_ID) == ""
    assert quiz_page_url("", "el") == ""


def test_web_base_url_defaults_to_empty_and_is_read() -> None:
    assert parse_config("").kiosk.web_base_url == ""
    assert parse_config(f'[kiosk]\nweb_base_url = "{BASE}"\n').kiosk.web_base_url == BASE
    assert parse_config('[kiosk]\nweb_base_url = "http://10.0.0.5/site"\n').kiosk.web_base_url == (
        "http://10.0.0.5/site")


@pytest.mark.parametrize("value", ["ftp://x", "kiosk.example.org"])
def test_a_web_base_url_that_is_not_http_is_refused_naming_key_and_value(value: str) -> None:
    with pytest.raises(ConfigError) as excinfo:
        parse_config(f'[kiosk]\nweb_base_url = "{value}"\n', Path("kiosk.toml"))
    message = str(excinfo.value)
    assert message.startswith("kiosk.toml [kiosk]: 'web_base_url'"), message
    assert repr(value) in message


def test_web_base_url_must_be_a_string() -> None:
    with pytest.raises(ConfigError, match="'web_base_url' must be a string"):
        parse_config("[kiosk]\nweb_base_url = 1\n")
