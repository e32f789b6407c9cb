"""JSON-LD, Open Graph and the JSON exports, read back as a search engine or a script would."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from briefgen.build import BuiltSite, build_in_memory
from briefgen.config import load_config
from briefgen.structured_data import script_json, timeline_date

MakeSite = Callable[[Mapping[str, str | bytes]], Path]
BASE_URL = "https://desk.example.org/briefings/"
GENEVA = "briefings/geneva-strategic-talks/index.html"
GENEVA_TITLE = "U.S.\u2013Russia talks in Geneva end without breakthrough"


class _Head(HTMLParser):
    """The JSON-LD blocks and the `<meta property>` pairs of a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.json_ld: list[str] = []
        self.properties: list[tuple[str, str]] = []
        self._in_json_ld = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self._in_json_ld = tag == "script" and found.get("type") == "application/ld+json"
        if tag == "meta" and found.get("property"):
            self.properties.append((found["property"] or "", found.get("content") or ""))

    def handle_endtag(self, tag: str) -> None:
        self._in_json_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_json_ld:
            self.json_ld.append(data)


def _head(files: Mapping[str, bytes], path: str) -> _Head:
    return _Head(files[path].decode("utf-8"))


def _json(files: Mapping[str, bytes], path: str) -> Any:
    return json.loads(files[path])


def test_a_briefing_page_describes_itself_as_a_news_article(built_multi_site: BuiltSite) -> None:
    [block] = _head(built_multi_site.files, GENEVA).json_ld
    article = json.loads(block)
    assert article["@context"] == "https://schema.org"
    assert article["@type"] == "NewsArticle"
    assert article["headline"] == GENEVA_TITLE
    assert article["datePublished"] == "2022-01-10T19:45:00+01:00"
    assert article["inLanguage"] == "en"
    assert article["url"] == BASE_URL + "briefings/geneva-strategic-talks/"
    things = article["about"] + article.get("mentions", [])
    assert {thing["@type"] for thing in things} <= {"Person", "Organization", "Place"}
    names = {thing["name"]: thing for thing in article["about"]}
    assert names["Wendy Sherman"]["@type"] == "Person"
    assert names["NATO"]["@type"] == "Organization"
    assert names["Russia"]["@type"] == "Place"
    linked = [thing["url"] for thing in things if "url" in thing]
    assert linked and all(url.startswith(BASE_URL + "actors/") for url in linked)


def test_a_french_briefing_says_it_is_in_french(built_multi_site: BuiltSite) -> None:
    [block] = _head(built_multi_site.files, "briefings/invasion-ukraine/index.html").json_ld
    assert json.loads(block)["inLanguage"] == "fr"


def test_open_graph_gives_the_article_its_date_tags_and_address(
    built_multi_site: BuiltSite,
) -> None:
    properties = _head(built_multi_site.files, GENEVA).properties
    found = dict(properties)
    assert found["og:type"] == "article"
    assert found["og:url"] == BASE_URL + "briefings/geneva-strategic-talks/"
    assert found["article:published_time"] == "2022-01-10T19:45:00+01:00"
    tags = [content for name, content in properties if name == "article:tag"]
    assert tags == ["Russia", "Ukraine", "diplomacy", "arms control"]


def test_no_text_can_close_the_json_ld_script(make_site: MakeSite) -> None:
    hostile = "</script><script>alert(1)</script><!-- & \u2028\u2029 done"
    root = make_site(
        {
            "content/one.yaml": (
                f"title: {json.dumps(hostile)}\npublished: 2022-01-10\nlang: en\n"
                f"summary: {json.dumps(hostile)}\narticle: seeds/one.txt\n"
            ),
            "seeds/one.txt": "Talks resumed in Geneva on Monday.",
        }
    )
    config, _ = load_config(root / "briefgen.yaml")
    page = build_in_memory(config).files["briefings/one/index.html"].decode("utf-8")
    [script] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert not re.search("[<>&\u2028\u2029]", script)
    assert json.loads(script)["headline"] == hostile
    opening_tags = re.findall(r"<script\b[^>]*>", page)
    assert all('src="' in tag or "ld+json" in tag for tag in opening_tags), opening_tags


def test_script_json_escapes_what_could_end_a_script_and_nothing_else() -> None:
    assert script_json({"a": "</script>&\u2028é"}) == '{"a":"\\u003c/script\\u003e\\u0026\\u2028é"}'
    assert json.loads(script_json(["<!--", "\u2029"])) == ["<!--", "\u2029"]


def test_briefings_json_indexes_every_briefing_newest_first(built_multi_site: BuiltSite) -> None:
    files = built_multi_site.files
    index = _json(files, "briefings.json")
    assert index["version"] == 1 and index["base_url"] == BASE_URL
    published = [entry["published"] for entry in index["briefings"]]
    assert len(published) == 7
    assert published[0].startswith("2022-02-24") and published[-1] == "2021-12-29"
    for entry in index["briefings"]:
        json_path = entry["json"].removeprefix(BASE_URL)
        assert _json(files, json_path)["slug"] == entry["slug"]
        assert entry["url"] == f"{BASE_URL}briefings/{entry['slug']}/"


def test_a_briefing_export_holds_the_page_with_curated_and_extracted_marked(
    built_multi_site: BuiltSite,
) -> None:
    files = built_multi_site.files
    export = _json(files, "briefings/geneva-strategic-talks/briefing.json")
    assert export["title"] == GENEVA_TITLE
    assert export["source_url"] == "https://www.reuters.com/world/example-geneva-talks"
    assert export["tags"] == ["Russia", "Ukraine", "diplomacy", "arms control"]
    article = export["article"]["text"]
    assert article and export["article"]["format"] == "txt"
    actors = {actor["name"]: actor for actor in export["actors"]}
    assert actors["Wendy Sherman"]["curated"] is True
    assert any(actor["curated"] is False for actor in export["actors"])
    assert actors["Wendy Sherman"]["page"].startswith(BASE_URL + "actors/")
    for actor in export["actors"]:
        for mention in actor["mentions"]:
            assert article[mention["start"] : mention["end"]] == mention["text"]
    assert {date["curated"] for date in export["dates"]} == {True, False}
    assert all({"text", "curated"} <= set(fact) for fact in export["key_facts"])


def test_timeline_json_is_timelinejs3_with_each_event_at_its_precision(
    built_multi_site: BuiltSite,
) -> None:
    timeline = _json(built_multi_site.files, "timeline.json")
    assert timeline["title"]["text"]["headline"] == "Europe Security Desk"
    events = timeline["events"]
    assert len({event["unique_id"] for event in events}) == len(events) > 10
    starts = [
        (d["year"], d.get("month", 0), d.get("day", 0)) for d in (e["start_date"] for e in events)
    ]
    assert starts == sorted(starts)
    assert {"year": 2019, "month": 7} in [event["start_date"] for event in events]
    assert {"year": 1997} in [event["start_date"] for event in events]
    for event in events:
        assert set(event["text"]) == {"headline", "text"}
        assert "<script" not in event["text"]["headline"]
        assert f'href="{BASE_URL}briefings/' in event["text"]["text"]


def test_timelinejs_dates_keep_the_time_and_mark_iso_weeks() -> None:
    assert timeline_date("2022-01-10T19:45+01:00") == {
        "year": 2022,
        "month": 1,
        "day": 10,
        "hour": 19,
        "minute": 45,
    }
    assert timeline_date("2021-W52") == {
        "year": 2021,
        "month": 12,
        "day": 27,
        "display_date": "2021-W52",
    }
