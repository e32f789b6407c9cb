"""The render stage as a reader notices it: languages, dates, links, safety, themes."""

from __future__ import annotations

import datetime
import posixpath
import re
import tempfile
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from jinja2 import Environment

from briefgen.assemble import assemble_site
from briefgen.errors import BuildFailed, ConfigError
from briefgen.model import (
    Actor,
    Briefing,
    DatedEvent,
    KeyFact,
    Mention,
    Quote,
    Site,
    SiteConfig,
)
from briefgen.render import relative_url, render_site
from briefgen.theme import (
    Catalogue,
    chronological,
    datetime_attribute,
    find_theme,
    read_translations,
)

FR_ARTICLE = (
    "Les deux dirigeants discuteront d'une série de sujets, a déclaré Emily Horne.\n\n"
    "L'appel aura lieu à 15h30 ET, a précisé la Maison Blanche. Biden parlera à Poutine.\n\n"
    "Moscou a pris le contrôle de la Crimée en 2014 <b>selon</b> Reuters & AFP."
)
EN_ARTICLE = (
    "The central bank **held** rates on Tuesday.\n\n"
    "## Market reaction\n\n"
    "| Index | Change |\n|:--|--:|\n| FTSE | +1.2% |\n\n"
    "Read the [statement](https://example.org/statement).\n"
)


def _mentions(text: str, name: str) -> tuple[Mention, ...]:
    return tuple(Mention(m.start(), m.end(), name) for m in re.finditer(re.escape(name), text))


def _french_briefing(root: Path) -> Briefing:
    return Briefing(
        slug="biden-poutine",
        title="Biden et Poutine se parleront jeudi",
        published=datetime.date(2021, 12, 29),
        lang="fr",
        article_text=FR_ARTICLE,
        article_format="txt",
        content_path=root / "content" / "biden-poutine.yaml",
        article_path=root / "seeds" / "biden-poutine.txt",
        source="Reuters (traduction française)",
        url="https://www.reuters.com/world/",
        tags=("Russie", "Ukraine"),
        summary="Un appel entre les deux présidents, demandé par Moscou.",
        key_facts=(
            KeyFact("Appel prévu jeudi à 15h30 ET.", curated=True),
            KeyFact("La Russie a pris la Crimée en 2014.", start=120, end=170),
        ),
        actors=(
            Actor("Emily Horne", "person", "porte-parole de la Maison Blanche", (), (), True),
            Actor(
                "Maison Blanche", "organization", "", (), _mentions(FR_ARTICLE, "Maison Blanche")
            ),
            Actor(
                "Joe Biden",
                "person",
                "président des États-Unis",
                ("Biden",),
                (
                    Mention(0, 5, "Biden"),
                    Mention(10, 15, "Biden"),
                    Mention(20, 25, "Biden"),
                ),
                True,
            ),
        ),
        dates=(
            DatedEvent("2022-01-10", "date", "Pourparlers à Genève", curated=True),
            DatedEvent("2021-12-30T15:30-05:00", "time", "Appel Biden-Poutine", curated=True),
            DatedEvent("2014", "date", "Prise de la Crimée"),
            DatedEvent("2022-01", "date", "Série de rencontres diplomatiques"),
            DatedEvent("P2M", "duration", "Renforcement militaire", text="deux derniers mois"),
        ),
        quotes=(Quote("Nous sommes à un moment de crise", "un haut responsable", 0, 10),),
    )


def _english_briefing(root: Path) -> Briefing:
    return Briefing(
        slug="bank-holds-rates",
        title="Central bank holds rates",
        published=datetime.datetime(2022, 1, 18, 9, 30, tzinfo=datetime.UTC),
        lang="en",
        article_text=EN_ARTICLE,
        article_format="md",
        content_path=root / "content" / "bank-holds-rates.yaml",
        article_path=root / "seeds" / "bank-holds-rates.md",
        source="Example Wire",
        tags=("economy",),
        summary="Rates unchanged at 4.5%.",
        key_facts=(KeyFact("Main rate unchanged at 4.5%.", curated=True),),
        actors=(Actor("Bank of England", "organization", "central bank", curated=True),),
        dates=(DatedEvent("2022-W03", "date", "Decision week", curated=True),),
    )


def _site(root: Path, *briefings: Briefing, language: str = "en", theme: str = "default") -> Site:
    config = SiteConfig(
        root=root,
        title="Briefing Desk",
        language=language,
        theme=theme,
        config_path=root / "briefgen.yaml",
    )
    return assemble_site(config, briefings or (_english_briefing(root), _french_briefing(root)))


def _write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _page(files: dict[str, bytes], path: str) -> str:
    return files[path].decode("utf-8")


class _Links(HTMLParser):
    """Every URL a page points at (href, src) and every id it defines."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "src"} and value is not None:
                self.urls.append((tag, value))
            if name == "id" and value is not None:
                self.ids.add(value)


def _in_order(page: str, *texts: str) -> bool:
    """True when each text appears in `page` after the one before it."""
    position = 0
    for text in texts:
        position = page.find(text, position)
        if position < 0:
            return False
        position += len(text)
    return True


@pytest.fixture
def rendered(tmp_path: Path) -> dict[str, bytes]:
    return render_site(_site(tmp_path)).files


#: The spaces CLDR puts where a line must not break: before "PM", between thousands, in "2 mois".
NBSP, NNBSP = "\u00a0", "\u202f"
FR_PAGE = "briefings/biden-poutine/index.html"
EN_PAGE = "briefings/bank-holds-rates/index.html"


def test_the_index_each_briefing_and_the_stylesheet_are_rendered(
    rendered: dict[str, bytes],
) -> None:
    assert {"index.html", FR_PAGE, EN_PAGE, "static/style.css"} <= set(rendered)


def test_briefing_labels_are_in_the_briefing_language(rendered: dict[str, bytes]) -> None:
    french, english = _page(rendered, FR_PAGE), _page(rendered, EN_PAGE)
    for label in ("Faits clés", "Acteurs", "Chronologie", "Mots-clés", "Publié le", "Langue"):
        assert label in french
    for label in ("Key facts", "Actors", "Timeline", "Tags", "Published", "Language"):
        assert label in english
    assert '<article class="briefing" lang="fr"' in french
    assert "français" in french


def test_site_chrome_is_in_the_site_language(tmp_path: Path) -> None:
    in_english = render_site(_site(tmp_path, language="en")).files
    in_french = render_site(_site(tmp_path, language="fr")).files
    assert '<html lang="en">' in _page(in_english, FR_PAGE)
    assert "Skip to content" in _page(in_english, FR_PAGE)
    assert '<html lang="fr">' in _page(in_french, EN_PAGE)
    assert "Aller au contenu" in _page(in_french, EN_PAGE)
    assert "Key facts" in _page(in_french, EN_PAGE)


def test_publication_dates_are_written_for_the_reader(rendered: dict[str, bytes]) -> None:
    assert "29 décembre 2021" in _page(rendered, FR_PAGE)
    assert f"January 18, 2022, 9:30{NNBSP}AM GMT" in _page(rendered, EN_PAGE)
    index = _page(rendered, "index.html")
    assert "December 29, 2021" in index
    assert '<time datetime="2021-12-29">' in index


def test_dates_are_a_chronological_timeline_each_with_its_event(
    rendered: dict[str, bytes],
) -> None:
    french = _page(rendered, FR_PAGE)
    assert _in_order(
        french,
        "2014</time>",
        "30 décembre 2021, 15:30 UTC-05:00</time>",
        "janvier 2022</time>",
        "10 janvier 2022</time>",
    )
    assert _in_order(french, "10 janvier 2022</time>", "Pourparlers à Genève")
    assert "semaine 3 de 2022" not in french
    assert "week 3 of 2022" in _page(rendered, EN_PAGE)


def test_durations_are_shown_apart_from_the_timeline(rendered: dict[str, bytes]) -> None:
    french = _page(rendered, FR_PAGE)
    assert _in_order(
        french, "10 janvier 2022</time>", "Durées et dates récurrentes", f"2{NBSP}mois"
    )


def test_key_facts_and_actors_show_kind_role_and_mentions(rendered: dict[str, bytes]) -> None:
    french = _page(rendered, FR_PAGE)
    assert "Appel prévu jeudi à 15h30 ET." in french
    assert "La Russie a pris la Crimée en 2014." in french
    assert _in_order(french, "Joe Biden", "Personne", "président des États-Unis", "3 mentions")
    assert _in_order(french, "Maison Blanche", "Organisation", "1 mention")
    assert _in_order(french, "Emily Horne", "Personne", "porte-parole", "0 mention<")
    assert "Nous sommes à un moment de crise" in french


def test_extracted_items_carry_a_discreet_marker_and_curated_ones_none(
    rendered: dict[str, bytes],
) -> None:
    french, english = _page(rendered, FR_PAGE), _page(rendered, EN_PAGE)
    marker = 'class="extracted-mark"'
    assert _in_order(french, "La Russie a pris la Crimée en 2014.", marker)
    assert french.count("(extrait de l\u2019article)") == 5
    assert marker not in english


def test_index_lists_briefings_newest_first_with_summary_counts_and_tags(
    rendered: dict[str, bytes],
) -> None:
    index = _page(rendered, "index.html")
    assert _in_order(index, "Central bank holds rates", "Biden et Poutine se parleront jeudi")
    assert "Un appel entre les deux présidents, demandé par Moscou." in index
    assert "3 actors" in index
    assert "5 dates" in index
    assert "1 actor<" in index
    assert ">Russie<" in index
    assert 'href="briefings/biden-poutine/index.html"' in index


def test_every_internal_link_resolves_from_the_page_that_holds_it(
    rendered: dict[str, bytes],
) -> None:
    checked = 0
    for path, content in rendered.items():
        if not path.endswith(".html") or path == "404.html":
            continue  # 404.html links from the site root on purpose: it is served at any depth
        links = _Links(content.decode("utf-8"))
        for tag, url in links.urls:
            parts = urlsplit(url)
            if parts.scheme:
                assert tag == "a" or url == "data:,", f"{path}: {tag} loads {url}"
                continue
            assert not url.startswith("/"), f"{path}: {url} only works at the server root"
            if not parts.path:
                assert parts.fragment in links.ids, f"{path}: no id for {url}"
                continue
            target = posixpath.normpath(
                posixpath.join(posixpath.dirname(path), unquote(parts.path))
            )
            assert target in rendered, f"{path}: {url} → {target} does not exist"
            checked += 1
    assert checked >= 8


def test_template_syntax_in_yaml_and_articles_is_shown_literally(tmp_path: Path) -> None:
    injected = "{{ 7*7 }}{% if true %}x{% endif %}"
    french = replace(
        _french_briefing(tmp_path),
        title=f"Titre {injected}",
        summary=f"Résumé {injected}",
        key_facts=(KeyFact(f"Fait {injected}", curated=True),),
        actors=(Actor(f"Acteur {injected}", "person", f"rôle {injected}", curated=True),),
        article_text=f"Article {injected}",
    )
    english = replace(_english_briefing(tmp_path), article_text=f"Markdown {injected}")
    files = render_site(_site(tmp_path, english, french)).files
    page = _page(files, FR_PAGE)
    for where in ("Titre", "Résumé", "Fait", "Acteur", "rôle", "Article"):
        assert f"{where} {injected}" in page
    assert f"Markdown {injected}" in _page(files, EN_PAGE)
    assert "49" not in page


def test_markup_in_yaml_fields_is_escaped(tmp_path: Path) -> None:
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    briefing = replace(
        _french_briefing(tmp_path),
        title=hostile,
        summary=hostile,
        source=hostile,
        tags=(hostile,),
        key_facts=(KeyFact(hostile, curated=True),),
        actors=(Actor(hostile, "person", hostile, curated=True),),
        dates=(DatedEvent(hostile, "date", hostile, curated=True),),
    )
    files = render_site(_site(tmp_path, briefing)).files
    for path in (FR_PAGE, "index.html"):
        page = _page(files, path)
        assert "<script>alert" not in page
        assert "<img" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_hostile_markdown_article_renders_harmlessly_and_is_named(tmp_path: Path) -> None:
    article = (
        "Intro **kept**.\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[a](JaVaScRiPt:alert(1)) <iframe src=https://evil.example/></iframe>\n"
    )
    english = replace(_english_briefing(tmp_path), article_text=article)
    result = render_site(_site(tmp_path, english))
    page = _page(result.files, EN_PAGE)
    assert "Intro <strong>kept</strong>." in page
    for gone in ("<script>alert", "onerror", "javascript:", "JaVaScRiPt", "<iframe"):
        assert gone not in page
    [problem] = [p for p in result.problems if "article" in p.message]
    assert problem.severity == "warning"
    assert str(problem).startswith(
        "seeds/bank-holds-rates.md: article: removed unsafe markup "
        "(script, img, onerror attribute, javascript: URL, iframe)"
    )


def test_benign_markdown_reaches_the_page(rendered: dict[str, bytes]) -> None:
    english = _page(rendered, EN_PAGE)
    assert "The central bank <strong>held</strong> rates" in english
    assert '<h3 id="article-market-reaction">Market reaction</h3>' in english
    assert '<td align="right">+1.2%</td>' in english
    assert '<a href="https://example.org/statement" rel="noopener noreferrer">' in english


def test_a_plain_text_article_is_escaped_into_paragraphs(rendered: dict[str, bytes]) -> None:
    french = _page(rendered, FR_PAGE)
    assert "<p>Moscou a pris le contrôle de la Crimée en 2014 &lt;b&gt;selon&lt;/b&gt;" in french
    assert "Reuters &amp; AFP.</p>" in french


def test_the_source_links_only_to_a_web_address(tmp_path: Path) -> None:
    french = replace(_french_briefing(tmp_path), url="javascript:alert(1)")
    files = render_site(_site(tmp_path, french)).files
    assert "javascript:" not in _page(files, FR_PAGE)
    assert "Reuters (traduction française)" in _page(files, FR_PAGE)
    linked = render_site(_site(tmp_path)).files
    assert (
        '<a href="https://www.reuters.com/world/" rel="noopener noreferrer">'
        "Reuters (traduction française)</a>"
    ) in _page(linked, FR_PAGE)


def test_pages_have_a_language_viewport_title_skip_link_and_landmarks(
    rendered: dict[str, bytes],
) -> None:
    page = _page(rendered, FR_PAGE)
    assert page.startswith('<!doctype html>\n<html lang="en">')
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "<title>Biden et Poutine se parleront jeudi · Briefing Desk</title>" in page
    assert _in_order(page, '<a class="skip-link" href="#main">', '<main id="main"')
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in page
    assert page.count("<h1") == 1


def test_no_page_or_asset_asks_another_host_for_anything(rendered: dict[str, bytes]) -> None:
    stylesheet = _page(rendered, "static/style.css")
    assert "@import" not in stylesheet
    assert "url(" not in stylesheet
    assert "@font-face" not in stylesheet
    for path, content in rendered.items():
        if path.endswith(".html"):
            for tag, url in _Links(content.decode("utf-8")).urls:
                loads = tag != "a"  # a link is followed only when clicked; the rest load at once
                assert not (loads and urlsplit(url).netloc), f"{path}: {tag} asks {url}"
        if path.endswith(".js"):
            text = content.decode("utf-8")
            assert "http://" not in text and "https://" not in text, path


def test_a_briefing_page_with_its_assets_weighs_under_100_kb(rendered: dict[str, bytes]) -> None:
    assert len(rendered[FR_PAGE]) + len(rendered["static/style.css"]) < 100_000


def test_the_same_site_renders_to_the_same_bytes(tmp_path: Path) -> None:
    assert render_site(_site(tmp_path)) == render_site(_site(tmp_path))


def test_a_site_template_overrides_the_packaged_one_file_by_file(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "themes/default/templates/briefing.html",
        '{% extends "base.html" %}{% block main %}<p>Custom {{ briefing.title }}</p>{% endblock %}',
    )
    files = render_site(_site(tmp_path)).files
    page = _page(files, FR_PAGE)
    assert "<p>Custom Biden et Poutine se parleront jeudi</p>" in page
    assert '<a class="skip-link" href="#main">' in page
    assert "Latest briefings" in _page(files, "index.html")


def test_a_site_asset_overrides_the_packaged_one_and_may_add_more(tmp_path: Path) -> None:
    _write(tmp_path, "themes/default/static/style.css", "body { color: teal }")
    _write(tmp_path, "themes/default/static/img/logo.svg", "<svg/>")
    _write(tmp_path, "themes/default/static/.DS_Store", "junk")
    files = render_site(_site(tmp_path)).files
    assert files["static/style.css"] == b"body { color: teal }"
    assert files["static/img/logo.svg"] == b"<svg/>"
    assert "static/.DS_Store" not in files


def test_a_site_i18n_file_overrides_labels_one_by_one(tmp_path: Path) -> None:
    _write(tmp_path, "themes/default/i18n/en.yaml", "key_facts: Highlights\n")
    page = _page(render_site(_site(tmp_path)).files, EN_PAGE)
    assert "Highlights" in page
    assert "Key facts" not in page
    assert "Timeline" in page


def test_a_language_without_labels_falls_back_to_english_with_its_own_dates(
    tmp_path: Path,
) -> None:
    german = replace(_english_briefing(tmp_path), lang="de")
    page = _page(render_site(_site(tmp_path, german)).files, EN_PAGE)
    assert "Key facts" in page
    assert "18. Januar 2022" in page


def test_adding_a_language_is_adding_one_file(tmp_path: Path) -> None:
    _write(tmp_path, "themes/default/i18n/de.yaml", "key_facts: Kernpunkte\nactors: Akteure\n")
    german = replace(_english_briefing(tmp_path), lang="de")
    page = _page(render_site(_site(tmp_path, german)).files, EN_PAGE)
    assert "Kernpunkte" in page
    assert "Akteure" in page
    assert "Timeline" in page


@pytest.fixture
def jinja_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system's temporary folder, where Jinja keeps compiled templates, made a test's own."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_compiled_templates_are_kept_for_the_next_build(
    tmp_path: Path, jinja_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = render_site(_site(tmp_path)).files

    def compile_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("a template was compiled again")

    monkeypatch.setattr(Environment, "compile", compile_again)
    assert render_site(_site(tmp_path)).files == first


def test_a_template_edited_between_builds_is_compiled_again(
    tmp_path: Path, jinja_folder: Path
) -> None:
    template = "themes/default/templates/briefing.html"
    _write(tmp_path, template, "<h1>{{ briefing.title }}</h1>")
    render_site(_site(tmp_path))
    _write(tmp_path, template, "<h2>{{ briefing.title }}</h2>")  # the same size, too
    assert _page(render_site(_site(tmp_path)).files, FR_PAGE).startswith("<h2>")


def test_damaged_compiled_templates_are_compiled_again(tmp_path: Path, jinja_folder: Path) -> None:
    first = render_site(_site(tmp_path)).files
    kept = [path for path in jinja_folder.rglob("*") if path.is_file()]
    assert kept, "compiled templates were kept"
    for number, path in enumerate(kept):
        path.write_bytes(path.read_bytes()[: number * 37 % 200])  # cut anywhere, even empty
    assert render_site(_site(tmp_path)).files == first


def test_a_build_without_a_folder_for_compiled_templates_compiles_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = render_site(_site(tmp_path)).files
    not_a_folder = tmp_path / "not-a-folder"
    not_a_folder.write_text("")
    monkeypatch.setattr(tempfile, "tempdir", str(not_a_folder))
    assert render_site(_site(tmp_path)).files == expected


def test_an_unknown_theme_is_a_config_error_naming_briefgen_yaml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as failure:
        render_site(_site(tmp_path, theme="newspaper"))
    [problem] = failure.value.problems
    assert Path(problem.path) == tmp_path / "briefgen.yaml"
    assert "unknown theme 'newspaper'" in problem.message
    assert str(tmp_path / "themes" / "newspaper") in problem.hint
    assert "default" in problem.hint


def test_a_theme_of_the_site_alone_is_found(tmp_path: Path) -> None:
    _write(tmp_path, "themes/plain/templates/index.html", "<p>{{ site.config.title }}</p>")
    _write(tmp_path, "themes/plain/templates/briefing.html", "<h1>{{ briefing.title }}</h1>")
    files = render_site(_site(tmp_path, theme="plain")).files
    assert files["index.html"] == b"<p>Briefing Desk</p>"
    assert "static/style.css" not in files


def test_a_template_error_names_the_template_and_line(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "themes/default/templates/briefing.html",
        "<h1>{{ briefing.title }}</h1>\n\n<p>{{ briefing.subtitle }}</p>\n",
    )
    with pytest.raises(BuildFailed) as failure:
        render_site(_site(tmp_path))
    [problem] = failure.value.problems
    assert problem.path == Path("themes/default/templates/briefing.html")
    assert problem.line == 3
    assert "subtitle" in problem.message


def test_a_template_syntax_error_names_the_template_and_line(tmp_path: Path) -> None:
    _write(tmp_path, "themes/default/templates/index.html", "ok\n{% if %}\n")
    with pytest.raises(BuildFailed) as failure:
        render_site(_site(tmp_path))
    [problem] = failure.value.problems
    assert str(problem).startswith("themes/default/templates/index.html:2: template:")


def test_a_malformed_i18n_file_is_reported_with_its_line(tmp_path: Path) -> None:
    _write(tmp_path, "themes/default/i18n/fr.yaml", "key_facts: Faits\nactors:\n  - Acteurs\n")
    with pytest.raises(BuildFailed) as failure:
        render_site(_site(tmp_path))
    [problem] = failure.value.problems
    assert Path(problem.path) == tmp_path / "themes/default/i18n/fr.yaml"
    assert problem.line == 3
    assert "'actors'" in problem.message


@pytest.mark.parametrize(
    ("target", "from_page", "url"),
    [
        ("static/style.css", "index.html", "static/style.css"),
        ("static/style.css", "briefings/a/index.html", "../../static/style.css"),
        ("index.html", "briefings/a/index.html", "../../index.html"),
        ("briefings/b/index.html", "briefings/a/index.html", "../b/index.html"),
        ("briefings/a/index.html", "briefings/a/index.html", "index.html"),
        ("briefings/a/index.html#actors", "index.html", "briefings/a/index.html#actors"),
        ("#main", "briefings/a/index.html", "#main"),
        ("tags/", "briefings/a/index.html", "../../tags/"),
        ("briefings/été 22/index.html", "index.html", "briefings/%C3%A9t%C3%A9%2022/index.html"),
        ("briefings/a:b/index.html", "index.html", "briefings/a%3Ab/index.html"),
    ],
)  # fmt: skip
def test_relative_url_leads_from_the_page_to_the_target(
    target: str, from_page: str, url: str
) -> None:
    assert relative_url(target, from_page) == url


def _catalogue(tmp_path: Path) -> Catalogue:
    translations, problems = read_translations(find_theme(_site(tmp_path).config))
    assert problems == []
    return Catalogue(translations)


@pytest.mark.parametrize(
    ("value", "french", "english"),
    [
        ("2021-12-29", "29 décembre 2021", "December 29, 2021"),
        ("2022-01", "janvier 2022", "January 2022"),
        ("2014", "2014", "2014"),
        ("2021-12-29T15:30-05:00", "29 décembre 2021, 15:30 UTC-05:00",
         f"December 29, 2021, 3:30{NNBSP}PM GMT-05:00"),
        ("2021-12-29T20:30Z", "29 décembre 2021, 20:30 UTC",
         f"December 29, 2021, 8:30{NNBSP}PM GMT"),
        ("2021-12-29T15:30", "29 décembre 2021, 15:30", f"December 29, 2021, 3:30{NNBSP}PM"),
        ("2021-W52", "semaine 52 de 2021", "week 52 of 2021"),
        ("P2M", f"2{NBSP}mois", "2 months"),
        ("P1Y6M", f"1{NBSP}an et 6{NBSP}mois", "1 year and 6 months"),
        ("XXXX-WXX-1", "XXXX-WXX-1", "XXXX-WXX-1"),
        ("2022-02-24TEV", "24 février 2022, soir", "February 24, 2022, evening"),
        ("2021-W51-WE", "week-end de la semaine 51 de 2021", "weekend of week 51, 2021"),
        ("2008-FA", "automne 2008", "autumn 2008"),
        ("2009-Q4", "quatrième trimestre 2009", "fourth quarter 2009"),
    ],
)  # fmt: skip
def test_dates_are_written_as_each_language_writes_them(
    tmp_path: Path, value: str, french: str, english: str
) -> None:
    catalogue = _catalogue(tmp_path)
    assert catalogue.format_date(value, "fr") == french
    assert catalogue.format_date(value, "en") == english


@pytest.mark.parametrize(
    ("count", "french", "english"),
    [
        (0, "0 mention", "0 mentions"),
        (1, "1 mention", "1 mention"),
        (12, "12 mentions", "12 mentions"),
        (10000, f"10{NNBSP}000 mentions", "10,000 mentions"),
    ],
)
def test_counts_take_each_language_s_plural_and_digits(
    tmp_path: Path, count: int, french: str, english: str
) -> None:
    catalogue = _catalogue(tmp_path)
    assert catalogue.plural(count, "mentions", "fr") == french
    assert catalogue.plural(count, "mentions", "en") == english


def test_a_regional_language_uses_its_primary_language_labels(tmp_path: Path) -> None:
    catalogue = _catalogue(tmp_path)
    assert catalogue.labels("fr-CA")["key_facts"] == "Faits clés"
    assert catalogue.format_date("2022-01-10", "fr_CA") == "10 janvier 2022"


def test_equal_moments_in_two_zones_keep_their_own_datetime_attribute() -> None:
    zone = datetime.timezone(datetime.timedelta(hours=1))
    utc = datetime.datetime(2021, 12, 29, 12, 0, tzinfo=datetime.UTC)
    paris = datetime.datetime(2021, 12, 29, 13, 0, tzinfo=zone)
    assert utc == paris  # equal moments: a memo keyed by them would mix them up
    assert datetime_attribute(utc) == "2021-12-29T12:00:00+00:00"
    assert datetime_attribute(paris) == "2021-12-29T13:00:00+01:00"
    assert datetime_attribute("2022-W02") == "2022-W02"
    assert datetime_attribute("unknown") == ""


def test_the_timeline_opens_a_period_before_the_days_within_it() -> None:
    events = [
        DatedEvent("2022-01-10", "date", "day"),
        DatedEvent("P2M", "duration", "duration"),
        DatedEvent("2022-01", "date", "month"),
        DatedEvent("2021-W52", "date", "week"),
        DatedEvent("2022", "date", "year"),
        DatedEvent("2021-12-29T15:30-05:00", "time", "moment"),
    ]
    timeline, others = chronological(events)
    assert [e.event for e in timeline] == ["week", "moment", "year", "month", "day"]
    assert [e.event for e in others] == ["duration"]


def test_french_labels_are_as_complete_as_english(tmp_path: Path) -> None:
    translations, _ = read_translations(find_theme(_site(tmp_path).config))
    english, french = translations["en"], translations["fr"]
    assert set(french) == set(english)
    for key, value in english.items():
        french_value = french[key]
        assert type(french_value) is type(value), key
        if isinstance(value, dict) and isinstance(french_value, dict):
            assert set(french_value) == set(value), key


def test_a_site_without_briefings_still_has_an_index_that_says_so(tmp_path: Path) -> None:
    config = _site(tmp_path, language="fr").config
    files = render_site(Site(config, ())).files
    assert "Aucune synthèse pour l\u2019instant." in _page(files, "index.html")
