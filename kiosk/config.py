"""Kiosk configuration: a TOML file with documented keys, each with a default.

A file holding only a ``[sync]`` table is a complete config. Unknown keys and wrong
types are refused with a message naming the file and the key, so a typo never silently
falls back to a default.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError

from kiosk.core.admin import parse_pin_hash
from kiosk.core.reach import REACH_HIGH_MM, REACH_LOW_MM, SCREEN_BOTTOM_MM
from contentlib.countries import EU_MEMBER_STATES, OFFICIAL_LANGUAGES


class ConfigError(ValueError):
    """The config file is unreadable or a key has a wrong name, type or value."""


@dataclass(frozen=True)
class KioskSettings:
    """The ``[kiosk]`` table."""

    host_country: str = "IT"
    """ISO 3166 alpha-2 code of the country the kiosk stands in; its guides come first."""
    municipality: str = ""
    """Name of the municipality, shown on the about screen."""
    languages: tuple[str, ...] = ("en", "bg", "el", "it", "es", "ro", "pl", "pt", "fr", "de")
    """Languages offered to visitors, in picker order."""
    default_language: str = "en"
    """Language a visit starts in and returns to when it ends."""
    idle_timeout: float = 90.0
    """Seconds without a touch before the idle warning appears."""
    warning_seconds: float = 30.0
    """Length of the idle warning countdown (at least 20 s, WCAG 2.2.1)."""
    fullscreen: bool = True
    """Borderless screen-sized window with the cursor hidden."""
    admin_pin_hash: str = ""
    """Output of ``kiosk hash-pin``; empty means the admin screen cannot be opened.

    Checked at load: ``pbkdf2_sha256$<iterations>$<salt>$<hash>`` with at least
    ``kiosk.core.admin.MIN_PIN_ITERATIONS`` iterations, a salt of at least 16 bytes and a
    32-byte hash (see ``kiosk.core.admin.parse_pin_hash``)."""
    attract_cycle_seconds: float = 3.0
    """How long each language's "Touch to start" stays on the attract screen."""
    speech_volume: float = 80.0
    """Volume of "Read aloud", 0-100."""
    screen_diagonal_inches: float = 23.8
    """Diagonal of the kiosk's screen; with its resolution it gives pixels per millimetre."""
    viewing_distance_mm: float = 500.0
    """Distance from the visitor's eyes to the screen, for the largest text step."""
    screen_bottom_mm: float = SCREEN_BOTTOM_MM
    """Height of the screen's lower edge above the floor, in millimetres. With
    ``screen_diagonal_inches`` it gives every row of pixels a height above the floor, so the
    screens can keep their touch targets within ``reach_zone_mm`` (kiosk.core.reach)."""
    reach_zone_mm: tuple[float, float] = (REACH_LOW_MM, REACH_HIGH_MM)
    """Lowest and highest heights above the floor, in millimetres, that a visitor in a
    wheelchair can touch: every touch target stays on the part of the screen between them
    (lists sit at the bottom of it, grids grow to fill it). The default is the unobstructed
    forward reach of EN 301 549 8.3.3.1 and ADA 308.2.1; use 1120 as the top when a shelf
    510-635 mm deep stands in front of the screen (8.3.3.1.3.3)."""
    web_base_url: str = ""
    """Address where the online edition (``kiosk-content export-web``, :mod:`kiosk.web`) is
    published, such as ``https://kiosk.example.org/eu``; when set, each guide, the about
    text and the quiz score show a "Continue on your phone" QR code for the same page
    there, in the visitor's language. Empty means no such codes. Checked at load: empty or
    starting with ``https://`` or ``http://``."""
    desk_language: str = ""
    """Language the town hall's front desk works in, for the "Show this at the desk" card
    and the staff page: one of ``host_country``'s official languages
    (:data:`contentlib.countries.OFFICIAL_LANGUAGES`). Empty means the first of them (Dutch
    in Belgium: a Walloon town hall sets "fr")."""
    it_contact: str = ""
    """How front-desk staff reach IT about this kiosk (a name, a phone extension, an
    address), shown on the staff page as plain text; empty: the page says none is set."""


@dataclass(frozen=True)
class SyncSettings:
    """The ``[sync]`` table (used by the content updater)."""

    source: str = ""
    public_keys: tuple[str, ...] = ()
    """Keys trusted besides the pinned ones, ``ed25519:<base64 of 32 bytes>`` each.

    Checked at load with ``sync.keys.parse_public_key``."""
    interval_seconds: float = 900.0


@dataclass(frozen=True)
class HealthSettings:
    """The ``[health]`` table: what IT staff see from afar."""

    metrics_file: str = ""
    """Prometheus textfile to write (e.g. for node_exporter's textfile collector); empty: none."""
    interval_seconds: float = 15.0
    """How often the metrics file is rewritten."""
    heartbeat_url: str = ""
    """URL that receives a JSON heartbeat by POST; empty: no heartbeat."""
    heartbeat_interval_seconds: float = 300.0
    """Seconds between heartbeats (each one +-20% at random, so kiosks do not beat together)."""
    kiosk_name: str = ""
    """Name of this kiosk in the metrics and the heartbeat (e.g. "Town hall, front desk")."""
    send_usage: bool = False
    """Add the per-day usage counters to each heartbeat."""


@dataclass(frozen=True)
class KioskConfig:
    kiosk: KioskSettings = field(default_factory=KioskSettings)
    sync: SyncSettings = field(default_factory=SyncSettings)
    health: HealthSettings = field(default_factory=HealthSettings)
    path: Path | None = None


def _coerce(where: str, name: str, default: Any, value: Any) -> Any:
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: '{name}' must be true or false, not {value!r}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: '{name}' must be a number, not {value!r}")
        return float(value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ConfigError(f"{where}: '{name}' must be a string, not {value!r}")
        return value
    if isinstance(default, tuple) and default and all(isinstance(v, float) for v in default):
        if not isinstance(value, list) or len(value) != len(default) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value
        ):
            raise ConfigError(
                f"{where}: '{name}' must be a list of {len(default)} numbers, not {value!r}"
            )
        return tuple(float(v) for v in value)
    if isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: '{name}' must be a list of strings, not {value!r}")
        return tuple(value)
    raise AssertionError(f"unhandled default type for {name}")


def _build(cls: type, where: str, table: Any) -> Any:
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for name, value in table.items():
        if name not in known:
            raise ConfigError(
                f"{where}: unknown key '{name}' (known keys: {', '.join(sorted(known))})"
            )
        values[name] = _coerce(where, name, known[name].default, value)
    return cls(**values)


def _validate(settings: KioskSettings, where: str) -> None:
    if not settings.languages:
        raise ConfigError(f"{where}: 'languages' must name at least one language")
    for code in settings.languages:
        try:
            Locale.parse(code)
        except (ValueError, UnknownLocaleError):
            raise ConfigError(f"{where}: 'languages' has unknown language code {code!r}") from None
    if settings.default_language not in settings.languages:
        raise ConfigError(
            f"{where}: 'default_language' {settings.default_language!r} is not in 'languages'"
        )
    if settings.idle_timeout < 10:
        raise ConfigError(f"{where}: 'idle_timeout' must be at least 10 seconds")
    if settings.warning_seconds < 20:
        raise ConfigError(f"{where}: 'warning_seconds' must be at least 20 seconds")
    if not 5 <= settings.screen_diagonal_inches <= 120:
        raise ConfigError(f"{where}: 'screen_diagonal_inches' must be between 5 and 120")
    if not 200 <= settings.viewing_distance_mm <= 3000:
        raise ConfigError(f"{where}: 'viewing_distance_mm' must be between 200 and 3000")
    _validate_reach(settings, where)
    if settings.web_base_url and not settings.web_base_url.startswith(("https://", "http://")):
        raise ConfigError(
            f"{where}: 'web_base_url' must be empty or start with https:// or http://, "
            f"not {settings.web_base_url!r}"
        )
    if not 0 <= settings.speech_volume <= 100:
        raise ConfigError(f"{where}: 'speech_volume' must be between 0 and 100")
    if settings.host_country not in EU_MEMBER_STATES:
        hint = " (Greece is 'GR' in ISO 3166)" if settings.host_country.upper() == "EL" else ""
        raise ConfigError(
            f"{where}: 'host_country' must be the ISO code of an EU member state such as 'IT' "
            f"or 'AT'{hint}, not {settings.host_country!r}"
        )
    official = OFFICIAL_LANGUAGES[settings.host_country]
    if settings.desk_language and settings.desk_language not in official:
        raise ConfigError(
            f"{where}: 'desk_language' must be empty or an official language of "
            f"{settings.host_country} ({', '.join(official)}), not {settings.desk_language!r}"
        )
    if len(settings.it_contact) > 200 or "\n" in settings.it_contact:
        raise ConfigError(f"{where}: 'it_contact' must be one line of at most 200 characters")


def _validate_reach(settings: KioskSettings, where: str) -> None:
    low, high = settings.reach_zone_mm
    if not 0 <= low < high <= 2500:
        raise ConfigError(
            f"{where}: 'reach_zone_mm' must be [lowest, highest] heights in millimetres with "
            f"0 <= lowest < highest <= 2500, such as [380, 1220], "
            f"not {list(settings.reach_zone_mm)}"
        )
    if not 0 <= settings.screen_bottom_mm < high:
        raise ConfigError(
            f"{where}: 'screen_bottom_mm' must be at least 0 and below the top of "
            f"'reach_zone_mm' ({high:g}), or no part of the screen can be reached"
        )


def parse_config(text: str, path: Path | None = None) -> KioskConfig:
    """Parse config text; ``path`` only names the file in error messages."""
    name = str(path) if path else "<config>"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{name}: not valid TOML: {exc}") from None
    unknown = set(data) - {"kiosk", "sync", "health"}
    if unknown:
        raise ConfigError(
            f"{name}: unknown table(s) {sorted(unknown)}; expected [kiosk], [sync], [health]"
        )
    kiosk = _build(KioskSettings, f"{name} [kiosk]", data.get("kiosk", {}))
    sync = _build(SyncSettings, f"{name} [sync]", data.get("sync", {}))
    health = _build(HealthSettings, f"{name} [health]", data.get("health", {}))
    _validate(kiosk, f"{name} [kiosk]")
    _validate_pin_hash(kiosk, name)
    _validate_public_keys(sync, name)
    _validate_health(health, f"{name} [health]")
    return KioskConfig(kiosk=kiosk, sync=sync, health=health, path=path)


def _validate_pin_hash(settings: KioskSettings, name: str) -> None:
    if not settings.admin_pin_hash:
        return
    try:
        parse_pin_hash(settings.admin_pin_hash)
    except ValueError as exc:
        raise ConfigError(f"{name}: [kiosk] admin_pin_hash: {exc}") from None


def _validate_public_keys(settings: SyncSettings, name: str) -> None:
    if not settings.public_keys:
        return
    # imported only when there are keys to check: cryptography takes 25 ms to import
    from sync.keys import parse_public_key

    for index, text in enumerate(settings.public_keys):
        try:
            parse_public_key(text)
        except ValueError as exc:
            raise ConfigError(f"{name}: [sync] public_keys[{index}]: {exc}") from None


def _validate_health(settings: HealthSettings, where: str) -> None:
    if settings.interval_seconds < 1:
        raise ConfigError(f"{where}: 'interval_seconds' must be at least 1")
    if settings.heartbeat_interval_seconds < 10:
        raise ConfigError(f"{where}: 'heartbeat_interval_seconds' must be at least 10")
    if settings.heartbeat_url and not settings.heartbeat_url.startswith(("http://", "https://")):
        raise ConfigError(f"{where}: 'heartbeat_url' must start with http:// or https://")


def load_config(path: str | Path | None) -> KioskConfig:
    """Load the config file at ``path``; no path means every default."""
    if path is None:
        return KioskConfig()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror}") from None
    return parse_config(text, path)
