"""The site as a whole: actor pages across languages, the timeline, tags, and marked articles.

Most tests read the shared fixture site `tests/fixtures/multi/` (seven French and English
briefings about the same people), assembled from what its YAML curates, so that they do not
depend on the extractor's current skill; the tests of marks located by the extractor give their
extraction explicitly.
"""

from __future__ import annotations

import datetime
import operator
import random
import re
import shutil
from collections.abc import Mapping
from dataclasses import replace
from html import unescape
from pathlib import Path

import pytest
import yaml

from briefgen.assemble import Assembler, assemble_site, merge_briefing, tag_slug
from briefgen.config import load_config
from briefgen.highlight import ArticleLinks, mark_plain_text
from briefgen.identity import identify_actors
from briefgen.load import load_briefings
from briefgen.load_actors import load_actors
from briefgen.model import (
    Actor,
    Briefing,
    CanonicalActor,
    DatedEvent,
    Extraction,
    Mention,
    Site,
    SiteConfig,
    TimelineEntry,
)
from briefgen.paths import briefing_path
from briefgen.render import Renderer, render_site
from briefgen.render_views import BRIEFINGS_PER_PAGE, density_charts
from briefgen.sanitize import plain_text_to_html

FIXTURE = Path(__file__).parent / "fixtures" / "multi"
I18N = Path(__file__).parent.parent / "themes" / "default" / "i18n"


def fixture_site(root: Path = FIXTURE, extractions: Mapping[str, Extraction] | None = None) -> Site:
    """The fixture site assembled from its YAML (and `extractions`, by briefing slug)."""
    config, problems = load_config(root / "briefgen.yaml")
    briefings, problems = load_briefings(config)
    canonical, actor_problems = load_actors(config)
    assert problems + actor_problems == []
    found = extractions or {}
    merged = [merge_briefing(b, found.get(b.slug, Extraction())) for b in briefings]
    return assemble_site(config, merged, canonical)


@pytest.fixture(scope="module")
def site() -> Site:
    return fixture_site()


@pytest.fixture(scope="module")
def pages(site: Site) -> dict[str, str]:
    rendered = render_site(site)
    return {
        path: data.decode("utf-8")
        for path, data in rendered.files.items()
        if path.endswith(".html")
    }


def _text(html: str) -> str:
    """The words of a page, as a reader sees them (tags dropped, spaces collapsed)."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _between(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def _briefing(slug: str, **fields: object) -> Briefing:
    base: dict[str, object] = {
        "slug": slug,
        "title": slug,
        "published": datetime.date(2022, 1, 10),
        "lang": "en",
        "article_text": "",
        "article_format": "txt",
        "content_path": Path(f"content/{slug}.yaml"),
        "article_path": Path(f"seeds/{slug}.txt"),
    }
    base.update(fields)
    return Briefing(**base)  # type: ignore[arg-type]


# --- Actor identity ---------------------------------------------------------------------------


def test_an_actor_named_in_french_and_english_has_one_page_listing_both(
    site: Site, pages: dict[str, str]
) -> None:
    putin = next(actor for actor in site.actors if actor.slug == "vladimir-putin")
    assert {a.briefing.lang for a in putin.appearances} == {"fr", "en"}
    assert not [a for a in site.actors if a.slug in ("vladimir-poutine", "poutine", "putin")]
    page = _text(pages["actors/vladimir-putin/index.html"])
    assert "Biden et Poutine vont se parler au téléphone" in page
    assert "Russia talks in Geneva end without breakthrough" in page
    nato = _text(pages["actors/nato/index.html"])
    assert "Le Conseil OTAN-Russie se sépare sans accord à Bruxelles" in nato
    assert "Biden announces sweeping sanctions after Russia invades Ukraine" in nato


def test_a_surname_alone_joins_the_one_person_with_that_longer_name(site: Site) -> None:
    blinken = [actor for actor in site.actors if "blinken" in actor.slug]
    assert [actor.slug for actor in blinken] == ["antony-blinken"]
    assert {a.briefing.slug: a.name for a in blinken[0].appearances} == {
        "putin-recognises-breakaway-regions": "Blinken",
        "biden-poutine-appel": "Antony Blinken",
    }


def test_a_surname_two_people_share_stays_apart() -> None:
    people = [
        _briefing("a", actors=(Actor("Joe Biden", "person"),)),
        _briefing("b", actors=(Actor("Hunter Biden", "person"),)),
        _briefing("c", actors=(Actor("Biden", "person"), Actor("Blinken", "person"))),
        _briefing("d", actors=(Actor("Antony Blinken", "person"),)),
    ]
    names = sorted(sorted(o.actor.name for o in i.occurrences) for i in identify_actors(people))
    assert names == [["Antony Blinken", "Blinken"], ["Biden"], ["Hunter Biden"], ["Joe Biden"]]


def test_a_shared_alias_joins_actors_even_without_actors_yaml(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    (root / "actors.yaml").unlink()
    site = fixture_site(root)
    zelensky = [actor for actor in site.actors if "zelensk" in actor.slug]
    assert len(zelensky) == 1
    assert {a.name for a in zelensky[0].appearances} == {
        "Volodymyr Zelensky",
        "Volodymyr Zelenskiy",
    }
    sherman = next(actor for actor in site.actors if actor.slug == "wendy-sherman")
    assert len(sherman.appearances) == 2


def test_two_canonical_actors_are_never_joined_by_a_briefing_alias() -> None:
    canonical = (CanonicalActor("Joe Biden", "person"), CanonicalActor("Hunter Biden", "person"))
    bridge = Actor("Joe Biden", "person", aliases=("Hunter Biden",))
    identities = identify_actors([_briefing("a", actors=(bridge,))], canonical)
    assert [(i.canonical, len(i.occurrences)) for i in identities] == [(canonical[0], 1)]


def test_actor_slugs_are_unique_safe_and_independent_of_briefing_order(tmp_path: Path) -> None:
    actors = (
        Actor("R&D", "organization"),
        Actor("R-D", "organization"),
        Actor("Путин", "person"),
        Actor("Con", "person"),
        Actor("../../etc/passwd", "group"),
    )
    briefings = [_briefing(f"b{i}", actors=(a,)) for i, a in enumerate(actors)]
    config = SiteConfig(root=tmp_path, title="t")
    slugs = [a.slug for a in assemble_site(config, briefings).actors]
    assert sorted(slugs) == sorted(["r-d", "r-d-2", "con-actor", "etc-passwd", slugs[-1]])
    assert re.fullmatch(r"actor-[0-9a-f]{8}", next(s for s in slugs if s.startswith("actor-")))
    shuffled = list(briefings)
    random.Random(7).shuffle(shuffled)
    assert [a.slug for a in assemble_site(config, shuffled).actors] == slugs


# --- Actor pages ------------------------------------------------------------------------------


def test_an_actor_page_gives_each_role_with_its_briefings_and_dates(pages: dict[str, str]) -> None:
    roles = _text(_between(pages["actors/vladimir-putin/index.html"], 'id="roles-title"', "</ul>"))
    assert "président russe La Russie envahit l'Ukraine · February 24, 2022" in roles
    assert (
        "Biden et Poutine vont se parler au téléphone, à la demande de Moscou · December 29"
        in roles
    )
    assert "Russian President Putin recognises breakaway regions" in roles
    assert roles.count("Russian President") == 1


def test_an_actor_page_lists_its_briefings_newest_first_with_their_sentence(
    pages: dict[str, str],
) -> None:
    html = pages["actors/jens-stoltenberg/index.html"]
    rows = re.findall(r'<h3 class="briefing-row-title"[^>]*><a href="([^"]+)"', html)
    assert rows == [
        "../../briefings/invasion-ukraine/index.html",
        "../../briefings/putin-recognises-breakaway-regions/index.html",
        "../../briefings/conseil-otan-russie/index.html",
    ]
    text = _text(html)
    assert "NATO Secretary General Jens Stoltenberg condemned the decision" in text
    assert "Le secrétaire général de l'OTAN, Jens Stoltenberg, a dénoncé" in text


def test_an_actor_page_names_the_actors_it_appears_with_most(
    site: Site, pages: dict[str, str]
) -> None:
    putin = next(actor for actor in site.actors if actor.slug == "vladimir-putin")
    assert putin.companions[0].actor.slug == "joe-biden"
    assert putin.companions[0].briefings == 5
    counts = [companion.briefings for companion in putin.companions]
    assert counts == sorted(counts, reverse=True)
    side = _text(
        _between(pages["actors/vladimir-putin/index.html"], 'id="companions-title"', "</ul>")
    )
    assert "Appears most with Joe Biden 5 briefings together" in side


def test_an_actor_page_lists_the_actors_dated_events(pages: dict[str, str]) -> None:
    events = _text(
        _between(pages["actors/vladimir-putin/index.html"], 'id="events-title"', "</ol>")
    )
    assert "December 30, 2021 Entretien téléphonique entre Joe Biden et Vladimir Poutine." in events
    assert "February 21, 2022 Putin recognises the Donetsk and Luhansk" in events


def test_a_canonical_actor_shows_its_description_and_image(
    pages: dict[str, str], site: Site
) -> None:
    page = pages["actors/vladimir-putin/index.html"]
    assert "President of the Russian Federation." in page
    assert '<img class="actor-portrait" src="vladimir-putin.png" alt="Vladimir Putin"' in page
    files = render_site(site).files
    assert (
        files["actors/vladimir-putin/vladimir-putin.png"]
        == (FIXTURE / "images/putin.png").read_bytes()
    )


def test_the_actor_index_groups_actors_by_kind_with_counts_and_a_filter(
    pages: dict[str, str], site: Site
) -> None:
    html = pages["actors/index.html"]
    headings = re.findall(r'<h2 id="kind-(\w+)"', html)
    assert headings == ["person", "organization", "country", "place"]
    people = _between(html, 'id="kind-person"', "</section>")
    assert "Vladimir Putin 5 briefings" in _text(people) and "actors/nato/" not in people
    assert re.search(r'<div class="view-filter" data-list-filter hidden>', html)
    assert html.count("data-filter-text=") == len(site.actors)
    assert 'data-filter-text="vladimir putin vladimir poutine poutine' in html
    assert '<script src="../static/views.js" defer></script>' in html


# --- Timeline ---------------------------------------------------------------------------------


def test_the_timeline_is_chronological_with_each_event_at_its_precision(
    site: Site, pages: dict[str, str]
) -> None:
    values = [entry.event.value for entry in site.timeline]
    assert values[:4] == ["1997", "2014", "2014", "2019-07"]
    assert values[-2:] == ["2022-02-24", "2022-02-24"]
    html = pages["timeline/index.html"]
    anchors = re.findall(r'<li class="site-timeline-item" id="([^"]+)"', html)
    assert anchors == [entry.anchor for entry in site.timeline]
    year_only = _between(html, 'id="y1997"', "</section>")
    assert '<time class="site-timeline-date" datetime="1997">1997</time>' in year_only
    month_only = _between(html, 'id="m2019-07"', "</section>")
    assert '<time class="site-timeline-date" datetime="2019-07">July 2019</time>' in month_only
    assert "July 1, 2019" not in html


def test_each_timeline_event_links_its_briefing_and_actors_for_the_filters(
    pages: dict[str, str],
) -> None:
    html = pages["timeline/index.html"]
    call = _between(html, 'id="event-geneva-strategic-talks-2"', "</li>")
    assert 'data-actors="vladimir-putin joe-biden"' in call
    assert 'data-tags="russia ukraine diplomacy arms-control"' in call
    assert 'href="../briefings/geneva-strategic-talks/index.html"' in call
    assert 'href="../actors/vladimir-putin/index.html"' in call
    form = _between(html, "data-timeline-filter", "</form>")
    assert '<option value="vladimir-putin">Vladimir Putin</option>' in form
    assert '<option value="arms-control">arms control</option>' in form


def test_the_density_chart_counts_events_per_month_and_per_year(
    site: Site, pages: dict[str, str]
) -> None:
    january = sum(1 for entry in site.timeline if entry.event.value.startswith("2022-01"))
    html = pages["timeline/index.html"]
    january_bar = f'<a href="2022/index.html#m2022-01"><title>January 2022: {january} events'
    assert january_bar in html
    assert '<a href="2014/index.html#y2014"><title>2014: 2 events</title>' in html
    assert "<svg" in html and "<script" not in _between(html, "<svg", "</svg>")


def _entry(value: str) -> TimelineEntry:
    return TimelineEntry(value, DatedEvent(value, "date", "x"), _briefing("b"))


def test_a_year_only_event_is_drawn_under_its_year_not_in_a_month() -> None:
    month_chart, year_chart = density_charts(
        [_entry(v) for v in ["2021", "2021-11-03", "2021-12", "2022-02-01", "1990"]]
    )
    assert [(bar.value, bar.count) for bar in month_chart.bars] == [
        ("2021-11", 1),
        ("2021-12", 1),
        ("2022-01", 0),
        ("2022-02", 1),
    ]
    assert [(span.value, span.count, span.x, span.width) for span in month_chart.spans] == [
        ("2021", 1, 0, 2)
    ]
    assert year_chart.unit == "year" and year_chart.first == "1990" and year_chart.total == 5


# --- Tags -------------------------------------------------------------------------------------


def test_tag_pages_list_the_briefings_that_carry_the_tag(site: Site, pages: dict[str, str]) -> None:
    tagged = [b for b in site.briefings if "Ukraine" in b.tags]
    html = pages["tags/ukraine/index.html"]
    titles = re.findall(r'<h3 class="briefing-row-title" lang="\w+"><a [^>]+>([^<]+)</a>', html)
    assert [unescape(title) for title in titles] == [b.title for b in tagged]
    assert len(titles) == 6
    index = _text(pages["tags/index.html"])
    assert "Ukraine 6 briefings" in index and "arms control 1 briefing" in index


def test_tags_on_briefings_and_the_index_link_to_their_pages(pages: dict[str, str]) -> None:
    briefing = pages["briefings/geneva-strategic-talks/index.html"]
    assert '<a href="../../tags/arms-control/index.html">arms control</a>' in briefing
    assert '<a href="tags/diplomatie/index.html">diplomatie</a>' in pages["index.html"]


# --- Marks in the article ---------------------------------------------------------------------


def test_actor_names_in_an_article_link_to_the_actor_page(pages: dict[str, str]) -> None:
    article = _between(
        pages["briefings/biden-poutine-appel/index.html"], "data-highlight-article", "</div>"
    )
    assert (
        '<a class="mention mention-actor kind-person" '
        'href="../../actors/vladimir-putin/index.html">Vladimir Poutine</a>'
    ) in article
    assert (
        '<a class="mention mention-actor kind-organization" href="../../actors/nato/index.html">'
        "OTAN</a>"
    ) in article


def test_marks_in_markdown_stay_out_of_headings_and_keep_the_markup(pages: dict[str, str]) -> None:
    article = _between(
        pages["briefings/conseil-otan-russie/index.html"], "data-highlight-article", "</section>"
    )
    heading = _between(article, "<h3", "</h3>")
    assert "mention" not in heading and "OTAN" in heading
    assert "<strong>BRUXELLES, 12 janvier (Reuters)</strong>" in article
    assert (
        '<a class="mention mention-actor kind-person" '
        'href="../../actors/jens-stoltenberg/index.html">Jens Stoltenberg</a>'
    ) in article


def test_located_mentions_and_dates_are_wrapped_exactly(tmp_path: Path) -> None:
    text = "Putin met Mr. Biden on 10 January.\n\nThe Kremlin said <nothing>."
    found = Extraction(
        actors=(Actor("Vladimir Putin", "person", mentions=(Mention(0, 5, "Putin"),)),),
        dates=(DatedEvent("2022-01-10", "date", "meeting", "10 January", 23, 33),),
    )
    briefing = _briefing(
        "meeting",
        article_text=text,
        actors=(Actor("Vladimir Putin", "person", curated=True),),
        dates=(DatedEvent("2022-01-10", "date", "Putin meets Biden", curated=True),),
    )
    site = assemble_site(SiteConfig(root=tmp_path, title="t"), [merge_briefing(briefing, found)])
    html = render_site(site).files["briefings/meeting/index.html"].decode()
    article = _between(html, "data-highlight-article>", "</div>")
    assert (
        '<p><a class="mention mention-actor kind-person" '
        'href="../../actors/vladimir-putin/index.html">Putin</a> met Mr. Biden on '
        '<a class="mention mention-date" '
        'href="../../timeline/2022/index.html#event-meeting-1">10 January</a>.</p>\n'
        "<p>The Kremlin said &lt;nothing&gt;.</p>"
    ) in article


def test_an_article_without_marks_reads_exactly_as_plain_text() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted((FIXTURE / "seeds").glob("*.txt"))]
    texts += ["", "\n\n", " a \n \n\n b\t\n", "<b>&amp;</b>\r\n\u2028x", "\u00a0\n\u00a0"]
    for text in texts:
        assert mark_plain_text(text, [], lambda target: target) == plain_text_to_html(text)


# --- Safety, languages, links -----------------------------------------------------------------


def test_hostile_names_and_texts_are_escaped_on_every_new_page(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    (root / "seeds/hostile.txt").write_text("<script>alert(1)</script> met Putin.\n", "utf-8")
    (root / "content/hostile.yaml").write_text(
        yaml.safe_dump(
            {
                "title": "Hostile <img src=x onerror=alert(1)>",
                "published": "2022-03-01",
                "article": "seeds/hostile.txt",
                "tags": ["<b>bold</b>", "Ukraine"],
                "actors": [
                    {
                        "name": "<script>alert(1)</script>",
                        "kind": "person",
                        "role": '"><svg onload=x>',
                    },
                    {"name": "Putin", "kind": "person"},
                ],
                "dates": [{"date": "2022-03", "event": "<iframe src=javascript:alert(1)>"}],
            }
        ),
        "utf-8",
    )
    actors_yaml = (root / "actors.yaml").read_text("utf-8")
    (root / "actors.yaml").write_text(
        actors_yaml.replace("President of the Russian Federation.", "'<em onclick=x>Boss</em>'"),
        "utf-8",
    )
    site = fixture_site(root)
    files = render_site(site).files
    new_pages = [p for p in files if p.split("/")[0] in ("actors", "timeline", "tags")]
    new_pages += ["briefings/hostile/index.html"]
    for path in new_pages:
        if not path.endswith(".html"):
            continue
        html = files[path].decode()
        for raw in (
            "<script>alert",
            "<img src=x",
            "<svg onload",
            "<iframe",
            "<b>bold",
            "<em onclick",
        ):
            assert raw not in html, (path, raw)
    hostile = next(a for a in site.actors if a.name.startswith("<script>"))
    assert re.fullmatch(r"[a-z0-9-]+", hostile.slug)
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;"
        in files[f"actors/{hostile.slug}/index.html"].decode()
    )


def test_site_chrome_follows_the_site_language_and_briefing_text_keeps_its_own(
    tmp_path: Path,
) -> None:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    config_file = root / "briefgen.yaml"
    config_file.write_text(
        config_file.read_text("utf-8").replace("language: en", "language: fr"), "utf-8"
    )
    files = render_site(fixture_site(root)).files
    actors = _text(files["actors/index.html"].decode())
    assert "Acteurs" in actors and "Personnes" in actors and "5 synthèses" in actors
    putin = files["actors/vladimir-putin/index.html"].decode()
    assert '<p class="role-text" lang="en">Russian President</p>' in putin
    assert "21 février 2022" in putin
    timeline = _text(files["timeline/index.html"].decode())
    assert "juillet 2019" in timeline and "Événements par mois" in timeline


def test_every_english_label_has_a_french_translation() -> None:
    english = yaml.safe_load((I18N / "en.yaml").read_text("utf-8"))
    french = yaml.safe_load((I18N / "fr.yaml").read_text("utf-8"))

    def keys(labels: dict[str, object]) -> set[str]:
        return {
            f"{key}.{sub}" if isinstance(value, dict) else key
            for key, value in labels.items()
            for sub in (value if isinstance(value, dict) else [""])
            if sub not in ("few", "many", "two", "zero")
        }

    assert keys(english) - keys(french) == set()


def test_every_link_on_the_new_pages_is_relative(pages: dict[str, str]) -> None:
    for path, html in pages.items():
        if path.split("/")[0] not in ("actors", "timeline", "tags"):
            continue
        for link in re.findall(r'<(?:a|img|script)\b[^>]*?(?:href|src)="([^"]*)"', html):
            assert not link.startswith(("/", "http:", "https:")), (path, link)


def test_a_briefing_page_and_its_assets_stay_light(site: Site) -> None:
    files = render_site(site).files
    page = files["briefings/biden-poutine-appel/index.html"].decode()
    assets = re.findall(r'(?:href|src)="((?:\.\./)+static/[^"]+)"', page)
    weight = len(page.encode()) + sum(len(files[a.lstrip("./")]) for a in set(assets))
    assert weight < 100_000


def test_the_site_views_are_the_same_whatever_order_briefings_come_in(site: Site) -> None:
    reordered = assemble_site(
        site.config, list(reversed(site.briefings)), load_actors(site.config)[0]
    )
    assert reordered == site


def test_a_site_without_dated_events_has_an_empty_timeline_and_no_chart(tmp_path: Path) -> None:
    site = assemble_site(SiteConfig(root=tmp_path, title="t"), [_briefing("quiet")])
    assert density_charts(site.timeline) == []
    timeline = render_site(site).files["timeline/index.html"].decode()
    assert "No dated events yet." in timeline and "<svg" not in timeline


def test_a_long_sentence_is_quoted_around_the_actors_name(site: Site) -> None:
    stoltenberg = next(actor for actor in site.actors if actor.slug == "jens-stoltenberg")
    brussels = next(a for a in stoltenberg.appearances if a.briefing.slug == "conseil-otan-russie")
    assert brussels.sentence.startswith("…")
    assert brussels.sentence.endswith("le secrétaire général de l'Alliance, Jens Stoltenberg.")
    assert len(brussels.sentence) <= 240


# --- Rendering again (serve) --------------------------------------------------------------------


def _briefings_of(root: Path = FIXTURE) -> tuple[SiteConfig, list[Briefing]]:
    config, _ = load_config(root / "briefgen.yaml")
    briefings, _ = load_briefings(config)
    return config, [merge_briefing(b, Extraction()) for b in briefings]


def _edits(briefings: list[Briefing]) -> dict[str, list[Briefing]]:
    first, second = briefings[0], briefings[1]
    moved_actor = Actor("Emmanuel Macron", "person", curated=True)
    return {
        "title": [replace(first, title=first.title + " (updated)"), *briefings[1:]],
        "article": [replace(first, article_text=first.article_text + "\n\nMore."), *briefings[1:]],
        "tags": [replace(first, tags=(*first.tags, "Energy")), *briefings[1:]],
        "actors": [replace(first, actors=(*first.actors, moved_actor)), *briefings[1:]],
        "dates": [replace(second, dates=()), first, *briefings[2:]],
        "new briefing": [*briefings, replace(first, slug="a-new-one", title="A new one")],
        "removed briefing": briefings[1:],
    }


@pytest.mark.parametrize(
    "edit", ["title", "article", "tags", "actors", "dates", "new briefing", "removed briefing"]
)
def test_rendering_again_after_an_edit_gives_the_bytes_of_a_fresh_render(edit: str) -> None:
    config, briefings = _briefings_of()
    renderer = Renderer()
    renderer.render(assemble_site(config, briefings))
    edited = assemble_site(config, _edits(briefings)[edit])
    assert renderer.render(edited).files == render_site(edited).files


def test_assembling_and_rendering_again_through_a_series_of_edits_gives_fresh_bytes() -> None:
    config, briefings = _briefings_of()
    assembler, renderer = Assembler(), Renderer()
    renderer.render(assembler.assemble(config, briefings))
    for edit, edited in [*_edits(briefings).items(), ("back", briefings)]:
        again = assembler.assemble(config, edited)
        fresh = assemble_site(config, edited)
        assert again == fresh, edit
        assert renderer.render(again).files == render_site(fresh).files, edit


def test_assembling_again_unchanged_keeps_the_same_actors_and_events_and_renders_no_page() -> None:
    config, briefings = _briefings_of()
    assembler, renderer = Assembler(), Renderer()
    first = assembler.assemble(config, briefings)
    rendered = renderer.render(first)
    renderer.rendered_pages = 0
    again = assembler.assemble(config, list(briefings))
    assert all(map(operator.is_, again.actors, first.actors))
    assert again.timeline is first.timeline
    assert renderer.render(again).files == rendered.files
    assert renderer.rendered_pages == 0


def test_a_changed_summary_re_renders_only_the_pages_that_show_the_briefing() -> None:
    config, briefings = _briefings_of()
    assembler, renderer = Assembler(), Renderer()
    before = renderer.render(assembler.assemble(config, briefings)).files
    renderer.rendered_pages = 0
    edited = [replace(briefings[0], summary="A new summary."), *briefings[1:]]
    after = renderer.render(assembler.assemble(config, edited)).files
    changed = {path for path in after if after[path] != before.get(path)}
    assert f"briefings/{briefings[0].slug}/index.html" in changed
    assert renderer.rendered_pages < len([p for p in after if p.endswith(".html")]) / 2


def test_merging_again_the_same_briefing_and_extraction_gives_the_same_briefing() -> None:
    _, briefings = _briefings_of()
    assembler = Assembler()
    extraction = Extraction(actors=(Actor("Joe Biden", "person"),))
    merged = assembler.merge(briefings[0], extraction)
    assert assembler.merge(briefings[0], extraction) is merged
    assert assembler.merge(replace(briefings[0]), extraction) == merged
    assert merged == merge_briefing(briefings[0], extraction)


def test_article_links_find_the_page_of_an_equal_copy_of_an_actor(site: Site) -> None:
    links = ArticleLinks(site)
    briefing = next(b for b in site.briefings if b.actors and b.dates)
    actor, event = briefing.actors[0], briefing.dates[0]
    assert links.actor(briefing, actor) is not None
    assert links.actor(briefing, replace(actor)) == links.actor(briefing, actor)
    assert links.event(briefing, replace(event)) == links.event(briefing, event)
    assert links.actor(briefing, replace(actor, name="Nobody Here")) is None


def test_rendering_again_unchanged_renders_no_page() -> None:
    config, briefings = _briefings_of()
    renderer = Renderer()
    first = renderer.render(assemble_site(config, briefings))
    renderer.rendered_pages = 0
    again = renderer.render(assemble_site(config, briefings))
    assert renderer.rendered_pages == 0
    assert again.files == first.files


def test_a_config_change_re_renders_every_page() -> None:
    config, briefings = _briefings_of()
    renderer = Renderer()
    renderer.render(assemble_site(config, briefings))
    retitled = assemble_site(replace(config, title="Another desk"), briefings)
    assert renderer.render(retitled).files == render_site(retitled).files


def test_a_theme_change_re_renders_every_page(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    config, briefings = _briefings_of(root)
    renderer = Renderer()
    renderer.render(assemble_site(config, briefings))
    labels = root / "themes" / "default" / "i18n" / "en.yaml"
    labels.parent.mkdir(parents=True, exist_ok=True)
    labels.write_text("key_facts: Highlights\nbriefings: Wires\n", encoding="utf-8")
    site = assemble_site(config, briefings)
    again = renderer.render(site)
    assert again.files == render_site(site).files
    assert b">Wires</a>" in again.files["index.html"]


def test_long_lists_are_cut_into_pages_with_a_pager() -> None:
    config, briefings = _briefings_of()
    many = [
        replace(briefings[0], slug=f"copy-{n:03d}", title=f"Copy {n}")
        for n in range(BRIEFINGS_PER_PAGE + 3)
    ]
    files = render_site(assemble_site(config, many)).files
    first, second = files["index.html"].decode(), files["page/2/index.html"].decode()
    assert first.count('class="briefing-card"') == BRIEFINGS_PER_PAGE
    assert second.count('class="briefing-card"') == 3
    assert 'rel="next"' in first and 'href="page/2/index.html"' in first
    assert 'rel="prev"' in second and 'aria-current="page">2</a>' in second
    tag = briefings[0].tags[0]
    assert f"tags/{tag_slug(tag)}/page/2/index.html" in files


def test_an_open_briefing_page_is_made_before_assembly_exactly_as_in_the_result() -> None:
    config, briefings = _briefings_of()
    edited = [replace(briefings[0], title="A new title"), *briefings[1:]]
    page = f"briefings/{briefings[0].slug}/index.html"
    counts, early = [], {}
    for first in ([], [page, "index.html", "no/such/page.html"]):
        assembler, renderer = Assembler(), Renderer()
        renderer.render(assembler.assemble(config, briefings))
        renderer.rendered_pages = 0
        renderer.render_early(config, edited, first, early.__setitem__)
        after = renderer.render(assembler.assemble(config, edited))
        counts.append(renderer.rendered_pages)
    assert early == {page: after.files[page]}, "only briefing pages come first"
    assert b"A new title" in early[page]
    assert after.files == render_site(assemble_site(config, edited)).files
    assert counts[0] == counts[1], "the page made first is not made again"


@pytest.mark.parametrize(
    ("edit", "guessed_wrong"),
    [("title", False), ("article", False), ("tags", False), ("dates", False), ("actors", True)],
)
def test_a_page_made_early_is_the_final_page_unless_its_links_moved(
    edit: str, guessed_wrong: bool
) -> None:
    config, briefings = _briefings_of()
    edited = _edits(briefings)[edit]
    renderer, early = Renderer(), {}
    renderer.render(assemble_site(config, briefings))
    renderer.render_early(config, edited, [briefing_path(b) for b in edited], early.__setitem__)
    final = render_site(assemble_site(config, edited)).files
    wrong = [name for name, page in early.items() if final[name] != page]
    # A new actor gets its page only once the site is assembled: the early page cannot link it.
    assert wrong == ([briefing_path(briefings[0])] if guessed_wrong else [])


def test_nothing_is_made_early_without_a_last_render_of_the_same_config() -> None:
    config, briefings = _briefings_of()
    pages = [briefing_path(b) for b in briefings]
    early: dict[str, bytes] = {}
    renderer = Renderer()
    renderer.render_early(config, briefings, pages, early.__setitem__)
    assert early == {}
    renderer.render(assemble_site(config, briefings))
    renderer.render_early(replace(config, title="Other"), briefings, pages, early.__setitem__)
    assert early == {}
