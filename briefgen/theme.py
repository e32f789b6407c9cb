"""A theme and its languages: where its files are, its labels, and how it writes dates.

A theme is data — `templates/`, `static/`, `i18n/<lang>.yaml` — looked up in the site's own
`themes/<name>/` first, then in the themes packaged with briefgen. `Catalogue` gives a page its
labels in the site's language (English filling in what a theme does not translate) and the
filters that write dates, numbers and language names as that language does (Babel's data).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_skeleton, format_time
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.units import format_unit
from jinja2 import TemplateRuntimeError

import briefgen
from briefgen.errors import ConfigError, Problem
from briefgen.model import DatedEvent, Published, SiteConfig

#: The language whose labels fill in for any label (or whole language) a theme does not translate.
FALLBACK_LANGUAGE = "en"


def theme_fingerprint(theme: Theme) -> bytes:
    """A digest of every file of the theme's folders (templates, static files, labels): any
    edit to the theme re-renders every page."""
    digest = hashlib.blake2b(theme.name.encode())
    for folder in theme.folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(f"\0{path.relative_to(folder).as_posix()}\0".encode())
                digest.update(path.read_bytes())
    return digest.digest()


# --- Themes -----------------------------------------------------------------------------------


def packaged_themes_dir() -> Path:
    """The folder of the themes that ship with briefgen.

    An installed wheel carries the repository's top-level `themes/` inside the package, as
    `briefgen/themes/` (pyproject maps it there). A source checkout or an editable install has no
    such folder: the themes are where the repository keeps them, one level above the package.
    """
    package_dir = Path(briefgen.__file__).parent
    inside_package = package_dir / "themes"
    return inside_package if inside_package.is_dir() else package_dir.parent / "themes"


@dataclass(frozen=True, slots=True)
class Theme:
    """A theme's folders, the site's own first: a file found in an earlier folder wins."""

    name: str
    folders: tuple[Path, ...]

    def subfolders(self, name: str) -> list[Path]:
        return [folder / name for folder in self.folders if (folder / name).is_dir()]

    def has_template(self, name: str) -> bool:
        """Whether one of the theme's folders has template `name` (pages some themes omit)."""
        return any((folder / name).is_file() for folder in self.subfolders("templates"))


def find_theme(config: SiteConfig) -> Theme:
    """The theme `briefgen.yaml` names: the site's own `themes/<name>/` over the packaged one."""
    candidates = [config.themes_dir / config.theme, packaged_themes_dir() / config.theme]
    is_folder_name = (
        re.fullmatch(r"[\w.-]+", config.theme) is not None and config.theme.strip(".") != ""
    )
    folders = tuple(folder for folder in candidates if is_folder_name and folder.is_dir())
    if not folders:
        packaged = packaged_themes_dir()
        available = (
            sorted(p.name for p in packaged.iterdir() if p.is_dir()) if packaged.is_dir() else []
        )
        raise ConfigError(
            [
                Problem(
                    config.config_path or config.root / "briefgen.yaml",
                    f"theme: unknown theme {config.theme!r}",
                    hint=f"looked in {candidates[0]} and {candidates[1]}; "
                    f"briefgen ships: {', '.join(available) or 'none found'}",
                )
            ]
        )
    return Theme(config.theme, folders)


def static_assets(theme: Theme) -> dict[str, bytes]:
    """Every file under the theme's `static/` folders, the site's own copy winning, by path."""
    assets: dict[str, Path] = {}
    for static_dir in reversed(theme.subfolders("static")):
        for path in static_dir.rglob("*"):
            relative = path.relative_to(static_dir)
            if path.is_file() and not any(part.startswith(".") for part in relative.parts):
                assets[f"static/{relative.as_posix()}"] = path
    return {output: assets[output].read_bytes() for output in sorted(assets)}


# --- Languages --------------------------------------------------------------------------------

LabelValue = str | dict[str, str]
Translations = dict[str, dict[str, LabelValue]]


class Labels:
    """The words of one language, for templates: `labels.key_facts`, `labels.kinds.person`.

    Only item access, no public attribute: Jinja2 looks up `labels.x` as an attribute first, so a
    label named like a method (`items`, `update`) would otherwise be shadowed.
    """

    __slots__ = ("_entries",)

    def __init__(self, entries: Mapping[str, LabelValue]) -> None:
        self._entries = dict(entries)

    def __getitem__(self, key: str) -> LabelValue:
        return self._entries[key]


def language_key(lang: str) -> str:
    """`fr_FR`, `fr-fr` and `FR-FR` all name the same i18n file: `fr-fr`."""
    return lang.replace("_", "-").lower()


def read_translations(theme: Theme) -> tuple[Translations, list[Problem]]:
    """Every i18n file of the theme, the site's own entries merged over the packaged ones."""
    translations: Translations = {}
    problems: list[Problem] = []
    for i18n_dir in reversed(theme.subfolders("i18n")):
        for path in sorted(i18n_dir.glob("*.yaml")):
            entries, file_problems = read_labels_file(path)
            problems.extend(file_problems)
            _merge_labels(translations.setdefault(language_key(path.stem), {}), entries)
    return translations, problems


def read_labels_file(path: Path) -> tuple[dict[str, LabelValue], list[Problem]]:
    """One i18n file: a mapping of label → text, or label → {variant: text} (kinds, plurals).

    The YAML is composed, not constructed: every value stays the text it was written as (`no`
    stays "no"), and every problem gets its line.
    """
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        return {}, [Problem(path, f"i18n: cannot read labels: {error}", line)]
    if root is None:
        return {}, []
    if not isinstance(root, yaml.MappingNode):
        return {}, [Problem(path, "i18n: expected a mapping of labels", root.start_mark.line + 1)]
    entries: dict[str, LabelValue] = {}
    problems = []
    for key_node, value_node in root.value:
        value = _label_value(value_node)
        if value is None:
            problems.append(
                Problem(
                    path,
                    f"i18n: label {key_node.value!r} must be text or a mapping of texts",
                    value_node.start_mark.line + 1,
                    value_node.start_mark.column + 1,
                )
            )
        else:
            entries[str(key_node.value)] = value
    return entries, problems


def _label_value(node: yaml.Node) -> LabelValue | None:
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    if isinstance(node, yaml.MappingNode) and all(
        isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode) for k, v in node.value
    ):
        return {str(k.value): str(v.value) for k, v in node.value}
    return None


def _merge_labels(into: dict[str, LabelValue], entries: Mapping[str, LabelValue]) -> None:
    for key, value in entries.items():
        current = into.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            into[key] = {**current, **value}
        else:
            into[key] = value


class Catalogue:
    """Labels, dates, numbers and plurals in every language, for the templates' filters.

    A language is looked up as written (`fr-ca`), then by its primary tag (`fr`), then in English,
    label by label: a theme adds a language by adding one i18n file, even a partial one.
    """

    def __init__(self, translations: Translations) -> None:
        self._translations = translations
        self._labels: dict[str, Labels] = {}
        self._dates: dict[tuple[str, type, str], str] = {}
        self._plurals: dict[tuple[int, str, str], str] = {}

    def labels(self, lang: str) -> Labels:
        key = language_key(lang)
        if key not in self._labels:
            merged: dict[str, LabelValue] = {}
            for candidate in dict.fromkeys([FALLBACK_LANGUAGE, key.split("-")[0], key]):
                _merge_labels(merged, self._translations.get(candidate, {}))
            self._labels[key] = Labels(merged)
        return self._labels[key]

    def _entry(self, lang: str, key: str) -> LabelValue:
        """Label `key`, or a template error that names it (a bare KeyError would not)."""
        try:
            return self.labels(lang)[key]
        except KeyError:
            raise TemplateRuntimeError(f"no label {key!r} in the theme's i18n files") from None

    def format_date(self, value: str | Published, lang: str) -> str:
        """`value` (an ISO 8601 string or a date) as a reader of `lang` writes it.

        Remembered: a site writes the same days on many pages, and Babel is slow. The key
        writes a moment out, since equal moments in two zones are written differently.
        """
        key = (value if isinstance(value, str) else value.isoformat(), type(value), lang)
        written = self._dates.get(key)
        if written is None:
            written = self._dates[key] = self._format_date(value, lang)
        return written

    def _format_date(self, value: str | Published, lang: str) -> str:
        locale = babel_locale(lang)
        if isinstance(value, datetime.datetime | datetime.date):
            return format_moment(value, locale)
        week_label = str(self._entry(lang, "week_of_year"))
        period = _PERIOD.fullmatch(value)
        if period is not None:
            return self._format_period(period, locale, lang)
        return format_iso_value(value, locale, week_label) or value

    def _format_period(self, period: re.Match[str], locale: Locale, lang: str) -> str:
        """TIMEX3's named periods: a day's part, a week-end, a season, a quarter, a half-year.

        CLDR has no words for most of them, so they are labels of the theme (`periods`).
        """
        names = self._entry(lang, "periods")
        assert isinstance(names, dict)
        head, code = period["head"], period["code"]
        if period["day"]:
            day = format_date(datetime.date.fromisoformat(head), "long", locale=locale)
            return str(names["day_part"]).format(day=day, part=names[code])
        if period["week"]:
            return str(names["weekend"]).format(week=int(period["week"]), year=period["year"])
        return str(names["of_year"]).format(period=names[code], year=period["year"])

    def plural(self, count: int, key: str, lang: str) -> str:
        """The `{count}` text of label `key` in the plural form `lang` uses for `count`."""
        remembered = (count, key, lang)
        text = self._plurals.get(remembered)
        if text is None:
            text = self._plurals[remembered] = self._plural(count, key, lang)
        return text

    def _plural(self, count: int, key: str, lang: str) -> str:
        locale = babel_locale(lang)
        forms = self._entry(lang, key)
        if isinstance(forms, str):
            text = forms
        elif "other" in forms:
            text = forms.get(locale.plural_form(count), forms["other"])
        else:
            raise TemplateRuntimeError(f"label {key!r} has no 'other' plural form")
        return text.replace("{count}", format_decimal(count, locale=locale))

    def language_name(self, code: str, lang: str) -> str:
        """The name of language `code`, written in `lang` ("français", "French")."""
        try:
            name = Locale.parse(code.replace("-", "_")).get_display_name(babel_locale(lang))
        except (ValueError, UnknownLocaleError):
            return code
        return name or code

    def short_month(self, value: str, lang: str) -> str:
        """The abbreviated month of ISO `value` in `lang` ("2022-01" → "Jan", "janv."), for a
        chart's axis; `value` as written when it names no month."""
        anchor = anchor_of(value)
        if anchor is None or anchor.precision == 0:
            return value
        return format_skeleton("MMM", anchor.first_day, locale=babel_locale(lang))


@functools.lru_cache(maxsize=64)
def babel_locale(lang: str) -> Locale:
    """Babel's locale for `lang`, or its primary language, or English when Babel knows neither.

    Cached: every date and count on every page asks, and a site uses a handful of languages.
    """
    for candidate in (lang, lang.replace("_", "-").split("-")[0], FALLBACK_LANGUAGE):
        try:
            return Locale.parse(candidate.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            continue
    raise AssertionError("Babel always knows English")


# --- Dates ------------------------------------------------------------------------------------

_YEAR = re.compile(r"(\d{4})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_WEEK = re.compile(r"(\d{4})-W(\d{2})")
#: `2022-02-24TEV` (evening), `2021-W51-WE` (week-end), `2008-FA` (autumn), `2009-Q4`, `2010-H1`.
_PERIOD = re.compile(
    r"(?P<head>(?P<year>\d{4})(?:-(?P<day>\d{2}-\d{2})|-W(?P<week>\d{2}))?)"
    r"(?:T|-)(?P<code>MO|AF|EV|NI|DT|WE|SP|SU|FA|WI|Q[1-4]|H[12])"
)
_TIME_OF_DAY = re.compile(r"T(\d{2}:\d{2}(?::\d{2})?)")
_DURATION = re.compile(
    r"P(?:(?P<year>\d+)Y)?(?:(?P<month>\d+)M)?(?:(?P<week>\d+)W)?(?:(?P<day>\d+)D)?"
    r"(?:T(?:(?P<hour>\d+)H)?(?:(?P<minute>\d+)M)?(?:(?P<second>\d+)S)?)?"
)


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where an ISO value sits in time: its first day, and how precise it is (a year is 0)."""

    first_day: datetime.date
    precision: int
    moment: datetime.datetime | None = None


def anchor_of(value: str) -> Anchor | None:
    """The place of `value` on a timeline, or None for a duration, a recurrence, or garbage."""
    try:
        if match := _YEAR.fullmatch(value):
            return Anchor(datetime.date(int(match[1]), 1, 1), 0)
        if match := _MONTH.fullmatch(value):
            return Anchor(datetime.date(int(match[1]), int(match[2]), 1), 1)
        if match := _WEEK.fullmatch(value):
            return Anchor(datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1), 2)
        if "T" not in value:
            return Anchor(datetime.date.fromisoformat(value), 3)
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    return Anchor(moment.date(), 4, moment)


def chronological(dates: Iterable[DatedEvent]) -> tuple[list[DatedEvent], list[DatedEvent]]:
    """The events that sit on a timeline, oldest first, and the others (durations, recurrences).

    A month comes before the days in it, and a year before its months: the wider period opens.
    """
    anchored: list[tuple[Anchor, DatedEvent]] = []
    unanchored: list[DatedEvent] = []
    for event in dates:
        anchor = anchor_of(event.value)
        if anchor is None:
            unanchored.append(event)
        else:
            anchored.append((anchor, event))
    anchored.sort(key=lambda item: (item[0].first_day, item[0].precision, item[1].value))
    return [event for _, event in anchored], unanchored


def format_iso_value(value: str, locale: Locale, week_label: str) -> str | None:
    """An ISO 8601 value as `locale` writes it, or None when `value` is not one briefgen reads.

    `week_label` is the theme's "week {week} of {year}": CLDR has no ISO-week format.
    """
    if _YEAR.fullmatch(value):
        return value
    if match := _WEEK.fullmatch(value):
        return week_label.replace("{week}", str(int(match[2]))).replace("{year}", match[1])
    if match := _TIME_OF_DAY.fullmatch(value):
        return format_time(datetime.time.fromisoformat(match[1]), "short", locale=locale)
    if match := _DURATION.fullmatch(value):
        return format_duration(match.groupdict(), locale)
    anchor = anchor_of(value)
    if anchor is None:
        return None
    if anchor.precision == 1:
        return format_skeleton("yMMMM", anchor.first_day, locale=locale)
    return format_moment(anchor.moment or anchor.first_day, locale)


def format_moment(moment: Published, locale: Locale) -> str:
    """A day in the locale's long form; a date-time adds the short time and, if known, the zone.

    The zone is the offset the source gave ("UTC-05:00"), never converted: a reader compares it
    with the article's own "15h30 ET". A zero offset reads as the locale's "UTC"/"GMT".
    """
    if not isinstance(moment, datetime.datetime):
        return format_date(moment, "long", locale=locale)
    time_pattern = str(locale.time_formats["short"].pattern)
    if moment.utcoffset() == datetime.timedelta(0):
        time_pattern += " '" + str(locale.zone_formats["gmt"] % "").replace("'", "''") + "'"
    elif moment.tzinfo is not None:
        time_pattern += " ZZZZ"
    pattern = (
        str(locale.datetime_formats["long"])
        .replace("{1}", str(locale.date_formats["long"].pattern))
        .replace("{0}", time_pattern)
    )
    return format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=locale)


def format_duration(parts: Mapping[str, str | None], locale: Locale) -> str | None:
    """`{"month": "2"}` → "2 months" / "2 mois"; None for an empty duration (`P`)."""
    units = [
        format_unit(int(amount), f"duration-{unit}", length="long", locale=locale)
        for unit, amount in parts.items()
        if amount is not None
    ]
    return format_list(units, locale=locale) if units else None


def datetime_attribute(value: str | Published) -> str:
    """The value for `<time datetime>`: ISO for what HTML accepts there, "" for the rest."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return _value_attribute(value)


@functools.lru_cache(maxsize=1 << 14)
def _value_attribute(value: str) -> str:
    """`datetime_attribute` of an ISO value. Remembered: a timeline page writes hundreds of
    them, most of them the same few days. (Not moments: two equal moments in two zones are
    equal keys, but are written differently.)"""
    if anchor_of(value) is not None or _TIME_OF_DAY.fullmatch(value):
        return value.removeprefix("T")
    if period := _PERIOD.fullmatch(value):
        return period["head"]  # the day, ISO week or year the named period lies in
    return ""
