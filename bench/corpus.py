"""A deterministic corpus of French and English wire articles, written as four site projects.

    python bench/corpus.py --n 1000 --out /tmp/corpus-1000 [--seed 1]

The benchmark compares briefgen with Pelican, MkDocs and Hugo on *the same* articles, so this
module writes one project per tool from one list of `Article`s: `briefgen/` (briefgen.yaml,
content/*.yaml, seeds/*.txt), `pelican/`, `mkdocs/` and `hugo/`, plus `corpus.json` (what was
generated). Articles are built from sentence templates and vocabularies (see `corpus_vocab.py`):
invented people drawn from a shared pool so that actors recur across briefings, real
organisations with acronyms, countries, dates in many forms, times with zones, durations and
attributed quotes, so that extraction has realistic work to do.

Same `n` and `seed`, same bytes: every article has its own random stream, derived from the seed
and its index, so one article can be rebuilt alone (the runner does, to edit a title).
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from corpus_vocab import (
    COUNTRIES,
    LEADS,
    ORGS,
    PARAGRAPHS,
    QUOTE_SENTENCES,
    SOURCES,
    TITLES,
    TOPICS,
    Country,
    Org,
    Person,
    Story,
    make_person_pool,
)

MANIFEST = "corpus.json"
MIN_BYTES, MAX_BYTES = 2000, 5000
FIRST_DAY, LAST_DAY = datetime.date(2019, 1, 1), datetime.date(2024, 12, 31)


@dataclass(frozen=True, slots=True)
class Article:
    """One wire story and its metadata, as every tool's project receives it."""

    slug: str
    title: str
    published: datetime.datetime
    with_time: bool
    lang: str
    source: str
    tags: tuple[str, ...]
    summary: str
    body: str

    @property
    def yaml_published(self) -> datetime.date | datetime.datetime:
        """A day for most articles, a zoned moment for some: both forms the content model allows."""
        return self.published if self.with_time else self.published.date()


def make_articles(n: int, seed: int) -> list[Article]:
    """The corpus: `n` articles, newest and oldest mixed, slugs unique."""
    pool = make_person_pool(random.Random(f"{seed}:pool"))
    return [make_article(index, seed, pool) for index in range(n)]


def make_article(index: int, seed: int, pool: Sequence[Person]) -> Article:
    """Article number `index`: a function of (index, seed, pool) only."""
    rng = random.Random(f"{seed}:article:{index}")
    lang = "fr" if rng.random() < 0.5 else "en"
    story = _pick_story(rng, lang, pool)
    body = _write_body(rng, story)
    title = story.sentence(rng.choice(TITLES[lang]))
    summary = story.fresh().sentence(rng.choice(LEADS[lang]))
    tags = _tags(story)
    slug = f"{story.published:%Y-%m-%d}-{lang}-{story.topic.key}-{index:05d}"
    return Article(
        slug=slug,
        title=title,
        published=story.published,
        with_time=rng.random() < 0.3,
        lang=lang,
        source=story.source,
        tags=tags,
        summary=summary,
        body=body,
    )


def _pick_story(rng: random.Random, lang: str, pool: Sequence[Person]) -> Story:
    day = FIRST_DAY + datetime.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    zone = datetime.timezone(datetime.timedelta(hours=rng.choice((-5, 0, 1, 2, 3))))
    published = datetime.datetime.combine(
        day, datetime.time(rng.randrange(6, 23), rng.choice((0, 5, 15, 20, 30, 42, 50))), zone
    )
    home, other = rng.sample(COUNTRIES, 2)
    topic = rng.choice(TOPICS)
    org = _org(rng.choice(topic.orgs))
    people = _cast(rng, pool, home, other, org)
    return Story(lang, published, home, other, topic, org, people, rng.choice(SOURCES[lang]), rng)


def _org(acronym: str) -> Org:
    return next(org for org in ORGS if org.en_acronym == acronym)


def _cast(
    rng: random.Random, pool: Sequence[Person], home: Country, other: Country, org: Org
) -> tuple[Person, ...]:
    """Two to four people: mostly from the two countries involved, sometimes the organisation's;
    never two with the same family name (their later mentions would be ambiguous)."""
    locals_ = [p for p in pool if p.country in (home, other)]
    from_org = [p for p in pool if p.org is org]
    people = rng.sample(locals_, rng.randint(2, 3))
    if rng.random() < 0.6:
        people.append(rng.choice(from_org))
    if rng.random() < 0.3:
        people.append(rng.choice(pool))
    by_family = {p.family.removesuffix("a"): p for p in reversed(people)}
    return tuple(p for p in people if by_family[p.family.removesuffix("a")] is p)


def _write_body(rng: random.Random, story: Story) -> str:
    """A dateline and lead, then paragraphs of one to three sentences (quotes among them) until
    the article reaches its drawn size."""
    target = rng.randint(MIN_BYTES + 200, MAX_BYTES - 400)
    paragraphs = [story.dateline() + story.sentence(rng.choice(LEADS[story.lang]))]
    size = len(paragraphs[0].encode())
    while size < target:
        sentences = [story.deal(PARAGRAPHS[story.lang]) for _ in range(rng.choice((1, 2, 2, 3)))]
        if len(paragraphs) % 3 == 1 or rng.random() < 0.2:
            sentences[0] = story.deal(QUOTE_SENTENCES[story.lang])
        paragraph = " ".join(story.sentence(template) for template in sentences)
        if size + len(paragraph.encode()) + 2 > MAX_BYTES:
            break
        paragraphs.append(paragraph)
        size += len(paragraph.encode()) + 2
    return "\n\n".join(paragraphs)


def _tags(story: Story) -> tuple[str, ...]:
    names = [story.topic.tag(story.lang), story.home.name(story.lang)]
    names += [story.other.name(story.lang), story.org.acronym(story.lang)]
    return tuple(dict.fromkeys(names))


# --- the four projects -------------------------------------------------------------------------

SiteFiles = Callable[[Sequence[Article]], dict[str, str]]
ArticleFiles = Callable[[Article], dict[str, str]]


@dataclass(frozen=True, slots=True)
class ProjectLayout:
    """How one tool's project is written: its site-wide files and each article's files."""

    name: str
    site_files: SiteFiles
    article_files: ArticleFiles


def _yaml(mapping: Mapping[str, object]) -> str:
    return yaml.safe_dump(dict(mapping), allow_unicode=True, sort_keys=False, width=1_000_000)


def _briefgen_site(articles: Sequence[Article]) -> dict[str, str]:
    config = {
        "title": "Wire briefings (benchmark corpus)",
        "language": "en",
        "base_url": "https://example.org/",
        "theme": "default",
        "output": "_site",
    }
    return {"briefgen.yaml": _yaml(config)}


def _briefgen_article(article: Article) -> dict[str, str]:
    content = {
        "title": article.title,
        "published": article.yaml_published,
        "lang": article.lang,
        "source": article.source,
        "tags": list(article.tags),
        "summary": article.summary,
    }
    return {
        f"content/{article.slug}.yaml": _yaml(content),
        f"seeds/{article.slug}.txt": article.body + "\n",
    }


PELICAN_CONF = '''\
"""Pelican settings for the benchmark corpus: defaults, default theme, relative URLs."""

AUTHOR = "Benchmark"
SITENAME = "Wire briefings (benchmark corpus)"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
RELATIVE_URLS = True
DEFAULT_PAGINATION = False
'''


def _pelican_site(articles: Sequence[Article]) -> dict[str, str]:
    return {"pelicanconf.py": PELICAN_CONF}


def _pelican_article(article: Article) -> dict[str, str]:
    metadata = [
        f"Title: {article.title}",
        f"Date: {article.published:%Y-%m-%d %H:%M}",
        f"Slug: {article.slug}",
        f"Lang: {article.lang}",
        f"Category: {article.tags[0]}",
        f"Tags: {', '.join(article.tags)}",
        f"Authors: {article.source}",
        f"Summary: {article.summary}",
    ]
    return {f"content/{article.slug}.md": "\n".join(metadata) + "\n\n" + article.body + "\n"}


def _front_matter(article: Article) -> str:
    fields = {
        "title": article.title,
        "date": article.published.isoformat(),
        "lang": article.lang,
        "source": article.source,
        "tags": list(article.tags),
        "summary": article.summary,
    }
    return f"---\n{_yaml(fields)}---\n\n"


def _mkdocs_site(articles: Sequence[Article]) -> dict[str, str]:
    latest = sorted(articles, key=lambda a: a.published, reverse=True)[:10]
    config = {
        "site_name": "Wire briefings (benchmark corpus)",
        "nav": [{"Home": "index.md"}, {"Latest": [{a.title: f"{a.slug}.md"} for a in latest]}],
    }
    home = "# Wire briefings\n\nThe benchmark corpus: French and English wire articles.\n"
    return {"mkdocs.yml": _yaml(config), "docs/index.md": home}


def _mkdocs_article(article: Article) -> dict[str, str]:
    text = _front_matter(article) + f"# {article.title}\n\n{article.body}\n"
    return {f"docs/{article.slug}.md": text}


HUGO_CONFIG = """\
baseURL = "https://example.org/"
languageCode = "en"
title = "Wire briefings (benchmark corpus)"
"""

HUGO_LAYOUTS = {
    "layouts/_default/baseof.html": """\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title></head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "layouts/_default/single.html": """\
{{ define "main" }}
<article lang="{{ .Params.lang }}">
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">
{{- .Date.Format "January 2, 2006" }}</time> · {{ .Params.source }}</p>
<p>{{ .Summary }}</p>
{{ .Content }}
<ul>{{ range .GetTerms "tags" }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>
{{ end }}</ul>
</article>
{{ end }}
""",
    "layouts/_default/list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ .Date.Format "2006-01-02" }}</li>
{{ end }}</ul>
{{ end }}
""",
    "layouts/_default/index.html": """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
<ul>{{ range site.RegularPages.ByDate.Reverse }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ .Date.Format "2006-01-02" }}
<br>{{ .Summary }}</li>
{{ end }}</ul>
{{ end }}
""",
}


def _hugo_site(articles: Sequence[Article]) -> dict[str, str]:
    return {"hugo.toml": HUGO_CONFIG, **HUGO_LAYOUTS}


def _hugo_article(article: Article) -> dict[str, str]:
    return {f"content/posts/{article.slug}.md": _front_matter(article) + article.body + "\n"}


PROJECTS: dict[str, ProjectLayout] = {
    layout.name: layout
    for layout in (
        ProjectLayout("briefgen", _briefgen_site, _briefgen_article),
        ProjectLayout("pelican", _pelican_site, _pelican_article),
        ProjectLayout("mkdocs", _mkdocs_site, _mkdocs_article),
        ProjectLayout("hugo", _hugo_site, _hugo_article),
    )
}


def write_files(root: Path, files: Mapping[str, str]) -> None:
    """Write `files` (POSIX paths relative to `root`) as UTF-8 with LF line endings."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())


def write_corpus(
    articles: Sequence[Article],
    out: Path,
    seed: int,
    discard: Callable[[Path], object] = shutil.rmtree,
) -> None:
    """Write every project under `out`, replacing a corpus generated there before, which goes
    to `discard` (deleted, by default; the runner moves it aside).

    A non-empty `out` without a manifest is refused: it may be someone's work, not ours.
    """
    if out.exists() and any(out.iterdir()):
        if not (out / MANIFEST).is_file():
            raise SystemExit(f"corpus: {out} is not empty and holds no {MANIFEST}; not touching it")
        discard(out)
    for layout in PROJECTS.values():
        project = out / layout.name
        write_files(project, layout.site_files(articles))
        for article in articles:
            write_files(project, layout.article_files(article))
    write_files(out, {MANIFEST: json.dumps(manifest(articles, seed), indent=2) + "\n"})


def manifest(articles: Sequence[Article], seed: int) -> dict[str, object]:
    """What the corpus holds; the runner checks it before reusing a generated corpus."""
    return {
        "n": len(articles),
        "seed": seed,
        "languages": {lang: sum(a.lang == lang for a in articles) for lang in ("en", "fr")},
        "article_bytes": sum(len(a.body.encode()) + 1 for a in articles),
        "words": sum(len(a.body.split()) for a in articles),
        "projects": sorted(PROJECTS),
    }


def retitled(article: Article, title: str) -> Article:
    """The same article under another title (the runner's edit)."""
    return replace(article, title=title)


#: The sentence the runner adds to an article: a new dated event and a person.
ADDED_SENTENCE = {
    "fr": "Le 3 mars 2022, Olaf Scholz a rencontré la presse ({marker}).",
    "en": "On March 3, 2022, Olaf Scholz met the press ({marker}).",
}


def extended(article: Article, marker: str) -> Article:
    """The same article with a sentence added to its text, `marker` in it (the runner's edit of
    an article: what the analyst adds is extracted again, and lands on the timeline)."""
    sentence = ADDED_SENTENCE[article.lang].format(marker=marker)
    return replace(article, body=f"{article.body} {sentence}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, required=True, help="number of articles")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the projects in")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same bytes (default 1)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    write_corpus(make_articles(args.n, args.seed), args.out, args.seed)
    print(f"corpus: {args.n} articles (seed {args.seed}) in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
