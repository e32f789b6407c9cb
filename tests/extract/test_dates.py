"""Dates drawn from article text: what an analyst sees on the timeline of a briefing."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest

from briefgen.extract import extract
from briefgen.extract.dates import find_dates
from briefgen.extract.text import sentence_bounds
from briefgen.model import DatedEvent, Published

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_fee48bf4d28e4dfa.txt"
#: The seed article was published on Wednesday 29 December 2021.
WEDNESDAY = datetime.date(2021, 12, 29)

#: Every temporal expression of the seed article, in text order, with its value.
SEED_DATES = [
    ("mercredi", "2021-12-29", "date"),
    ("15h30 ET", "2021-12-29T15:30-05:00", "time"),
    ("2030 GMT", "2021-12-29T20:30Z", "time"),
    ("deux derniers mois", "P2M", "duration"),
    ("2014", "2014", "date"),
    ("ces dernières semaines", "PXW", "duration"),
    ("le week-end dernier", "2021-W51-WE", "date"),
    ("à présent", "PRESENT_REF", "date"),
    ("quelques semaines", "PXW", "duration"),
    ("maintenant", "PRESENT_REF", "date"),
    ("l'année 2021", "2021", "date"),
    ("bientôt", "FUTURE_REF", "date"),
    ("mercredi", "2021-12-29", "date"),
    ("début de semaine", "2021-W52", "date"),
    ("Mardi", "2021-12-28", "date"),
    ("le 10 janvier", "2022-01-10", "date"),
    ("le jour même", "2022-01-10", "date"),
    ("ce jour-là", "2022-01-10", "date"),
    ("le 12 janvier", "2022-01-12", "date"),
    ("le 13 janvier", "2022-01-13", "date"),
    ("actuelles", "PRESENT_REF", "date"),
    ("1962", "1962", "date"),
]


def dates_by_find_dates(text: str, lang: str, published: Published) -> list[DatedEvent]:
    return find_dates(text, lang, published, sentence_bounds(text))


def dates_by_extract(text: str, lang: str, published: Published) -> list[DatedEvent]:
    return list(extract(text, lang, published).dates)


ENTRY_POINTS = [dates_by_find_dates, dates_by_extract]
FindDates = Callable[[str, str, Published], list[DatedEvent]]


def values(text: str, lang: str = "fr", published: Published = WEDNESDAY) -> dict[str, str]:
    """The value of each expression found in `text`, by the expression's own text."""
    return {event.text: event.value for event in dates_by_find_dates(text, lang, published)}


# --- the seed article ---------------------------------------------------------------------


@pytest.mark.parametrize("find", ENTRY_POINTS)
def test_seed_article_dates_come_out_exactly(find: FindDates) -> None:
    events = find(SEED.read_text(encoding="utf-8"), "fr", WEDNESDAY)

    assert [(event.text, event.value, event.kind) for event in events] == SEED_DATES


@pytest.mark.parametrize("find", ENTRY_POINTS)
def test_seed_article_never_reads_2030_gmt_as_a_year(find: FindDates) -> None:
    events = find(SEED.read_text(encoding="utf-8"), "fr", WEDNESDAY)

    assert not [event for event in events if event.value.startswith("2030")]


def test_seed_dates_point_into_the_article_in_text_order() -> None:
    article = SEED.read_text(encoding="utf-8")
    events = dates_by_find_dates(article, "fr", WEDNESDAY)

    assert all(event.text == article[event.start : event.end] for event in events)
    starts = [event.start or 0 for event in events]
    assert starts == sorted(starts)


def test_each_seed_date_carries_the_clause_it_anchors_on_one_line() -> None:
    events = dates_by_find_dates(SEED.read_text(encoding="utf-8"), "fr", WEDNESDAY)
    by_text = {event.text: event.event for event in events}

    assert by_text["le 12 janvier"] == (
        "La Russie et l'OTAN doivent également tenir des discussions le 12 janvier"
    )
    assert by_text["15h30 ET"].startswith("L'appel aura lieu à 15h30 ET")
    assert all("\n" not in event.event and 0 < len(event.event) <= 160 for event in events)


# --- absolute dates ---------------------------------------------------------------------


def test_january_dates_in_a_december_article_fall_in_the_next_year() -> None:
    assert values("Ils se verront le 10 janvier.") == {"le 10 janvier": "2022-01-10"}


def test_december_dates_in_a_january_article_fall_in_the_previous_year() -> None:
    found = values("Il a parlé le 28 décembre.", published=datetime.date(2022, 1, 3))

    assert found == {"le 28 décembre": "2021-12-28"}


def test_english_month_day_rolls_over_both_ways() -> None:
    assert values("They meet on January 10.", "en") == {"January 10": "2022-01-10"}
    january_article = datetime.date(2022, 1, 2)
    assert values("He spoke on December 30.", "en", january_article) == {
        "December 30": "2021-12-30"
    }


def test_full_dates_keep_their_year() -> None:
    assert values("le 1er mai 1962 et le 12 janvier 2022") == {
        "le 1er mai 1962": "1962-05-01",
        "le 12 janvier 2022": "2022-01-12",
    }
    assert values("on July 24, 2003", "en") == {"July 24, 2003": "2003-07-24"}


def test_numeric_dates_are_day_first_in_french_and_month_first_in_english() -> None:
    assert values("le 10/01/2022") == {"10/01/2022": "2022-01-10"}
    assert values("on 10/01/2022", "en") == {"10/01/2022": "2022-10-01"}


def test_years_months_and_seasons() -> None:
    assert values("en 1962, puis au cours de l'année 2021 et en mai 2020") == {
        "1962": "1962",
        "l'année 2021": "2021",
        "mai 2020": "2020-05",
    }
    assert values("in the first quarter of 2009 and last September", "en") == {
        "the first quarter of 2009": "2009-Q1",
        "last September": "2021-09",
    }
    assert values("l'été dernier")["l'été dernier"] == "2021-SU"


def test_list_of_days_shares_its_month() -> None:
    assert values("les 6 et 13 avril prochains") == {
        "les 6": "2022-04-06",
        "13 avril prochains": "2022-04-13",
    }


def test_numbers_that_are_not_years_are_not_dates() -> None:
    text = (
        "Environ 10 000 soldats, 2 000 euros, 25 %, un Boeing 787 et 1500 dollars ; "
        "un homme âgé de 54 ans."
    )

    assert values(text) == {}
    assert values("Prices may rise as 2,000 people march.", "en") == {}


def test_names_and_ages_that_look_like_dates_are_not_dates() -> None:
    text = "La sonde vers Mars ; Jean Dupont, vingt-deux ans, et une fillette de 6 ans."

    assert values(text) == {}
    assert values("The Sunday Times reported it on Black Friday.", "en") == {}


# --- relative dates ----------------------------------------------------------------------


def test_a_bare_weekday_is_the_last_such_day_the_publication_day_included() -> None:
    found = values("Il l'a dit mercredi. Il avait appelé mardi. Il a annoncé jeudi un accord.")

    assert list(found.values()) == ["2021-12-29", "2021-12-28", "2021-12-23"]


def test_a_weekday_in_a_future_tense_clause_is_the_next_such_day() -> None:
    assert values("La réunion se tiendra jeudi.") == {"jeudi": "2021-12-30"}
    assert values("They will meet on Friday.", "en") == {"Friday": "2021-12-31"}
    assert values("Markets stay closed until Monday.", "en") == {"Monday": "2022-01-03"}


def test_weekdays_with_last_and_next() -> None:
    assert values("vendredi dernier, lundi prochain") == {
        "vendredi dernier": "2021-12-24",
        "lundi prochain": "2022-01-03",
    }
    assert values("last Friday", "en") == {"last Friday": "2021-12-24"}


def test_days_weeks_months_and_years_counted_from_publication() -> None:
    assert values("hier, aujourd'hui, demain") == {
        "hier": "2021-12-28",
        "aujourd'hui": "2021-12-29",
        "demain": "2021-12-30",
    }
    assert values("la semaine dernière, le mois prochain, l'année dernière") == {
        "la semaine dernière": "2021-W51",
        "le mois prochain": "2022-01",
        "l'année dernière": "2020",
    }
    assert values("yesterday, last week, next month, this year", "en") == {
        "yesterday": "2021-12-28",
        "last week": "2021-W51",
        "next month": "2022-01",
        "this year": "2021",
    }


def test_counting_back_with_ago() -> None:
    assert values("il y a deux ans") == {"il y a deux ans": "2019"}
    assert values("two years ago", "en") == {"two years ago": "2019"}


def test_weekends_and_parts_of_the_week() -> None:
    assert values("le week-end dernier, en début de semaine") == {
        "le week-end dernier": "2021-W51-WE",
        "début de semaine": "2021-W52",
    }


def test_parts_of_the_day() -> None:
    assert values("hier soir, puis ce matin") == {
        "hier soir": "2021-12-28TEV",
        "ce matin": "2021-12-29TMO",
    }
    assert values("on Friday morning", "en")["Friday morning"] == "2021-12-24TMO"
    assert values("Des tirs ont éclaté dans la nuit de mardi à mercredi.")["la nuit de mardi"] == (
        "2021-12-28TNI"
    )
    assert values("Postez avant 2 heures 40 du soir.") == {
        "2 heures 40 du soir": "2021-12-29T14:40"
    }


def test_the_day_after_counts_from_the_day_last_named() -> None:
    assert values("Il arrive le 10 janvier et repart le lendemain.")["le lendemain"] == (
        "2022-01-11"
    )


# --- times and zones ---------------------------------------------------------------------


def test_time_with_zone_takes_the_zone_offset_of_that_day() -> None:
    assert values("à 15h30 ET") == {"15h30 ET": "2021-12-29T15:30-05:00"}
    summer = datetime.date(2021, 7, 7)
    assert values("à 15h30 ET", published=summer) == {"15h30 ET": "2021-07-07T15:30-04:00"}


def test_four_digits_before_a_zone_are_a_time_not_a_year() -> None:
    assert values("(2030 GMT)") == {"2030 GMT": "2021-12-29T20:30Z"}
    assert values("at 0800 UTC", "en") == {"0800 UTC": "2021-12-29T08:00Z"}


def test_a_time_belongs_to_the_day_named_before_it() -> None:
    found = values("Mardi, le président a parlé. L'appel a eu lieu à 15h30.")

    assert found["15h30"] == "2021-12-28T15:30"


def test_an_amount_between_a_day_and_a_time_leaves_the_time_on_that_day() -> None:
    found = values(
        "Mardi, le président a parlé. Plus de 10 000 manifestants étaient là. "
        "L'appel a eu lieu à 15h30."
    )

    assert found == {"Mardi": "2021-12-28", "15h30": "2021-12-28T15:30"}


def test_a_dates_event_is_its_clause_between_dashes_semicolons_and_brackets() -> None:
    text = (
        "Les syndicats, qui appellent à la grève – et ce malgré les menaces – manifesteront "
        "mardi dans toute la France ; le trafic sera perturbé. Le ministre (qui sera reçu à "
        "l'Élysée le 10 janvier) a démissionné."
    )

    events = {event.text: event.event for event in dates_by_find_dates(text, "fr", WEDNESDAY)}

    assert events == {
        "mardi": "manifesteront mardi dans toute la France",
        "le 10 janvier": "qui sera reçu à l'Élysée le 10 janvier",
    }


def test_english_clock_times() -> None:
    assert values("at 6 p.m. and at 18:00 UTC", "en") == {
        "6 p.m.": "2021-12-29T18:00",
        "18:00 UTC": "2021-12-29T18:00Z",
    }


def test_published_as_a_zoned_datetime_counts_from_its_own_day() -> None:
    late_evening = datetime.datetime(
        2021, 12, 29, 23, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))
    )

    assert values("Il a parlé hier.", published=late_evening) == {"hier": "2021-12-28"}


# --- durations and sets ------------------------------------------------------------------


def test_durations() -> None:
    assert values("au cours des deux derniers mois, en 30,4 secondes") == {
        "deux derniers mois": "P2M",
        "30,4 secondes": "PT30.4S",
    }
    assert values("for two years, almost two and a half years, a 12-hour flight", "en") == {
        "two years": "P2Y",
        "almost two and a half years": "P2.5Y",
        "12-hour": "PT12H",
    }
    assert values("depuis quelques semaines, ces derniers mois") == {
        "quelques semaines": "PXW",
        "ces derniers mois": "PXM",
    }


def test_repetitions_are_sets() -> None:
    events = dates_by_find_dates("tous les jeudis et chaque jour", "fr", WEDNESDAY)

    assert [(event.value, event.kind) for event in events] == [
        ("XXXX-WXX-4", "set"),
        ("P1D", "set"),
    ]


# --- languages ---------------------------------------------------------------------------


def test_unsupported_language_still_finds_iso_dates_and_times() -> None:
    found = values("Am 2021-12-29 um 15:30 Uhr, nicht im Januar.", "de")

    assert found == {"2021-12-29": "2021-12-29", "15:30": "2021-12-29T15:30"}
