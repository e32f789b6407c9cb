"""Digests are equal exactly when the values are, whatever objects happen to be shared."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, fields, replace
from pathlib import Path

from markupsafe import Markup

from briefgen.errors import Problem
from briefgen.fingerprint import Digester, OutputRecord, OutputReuse
from briefgen.model import ActorRef, Briefing, DatedEvent, TimelineEntry
from briefgen.render import entry_fields


@dataclass(frozen=True, slots=True)
class Row:
    title: str
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Page:
    rows: tuple[Row, ...]
    heading: object


def test_equal_values_have_equal_digests_however_they_were_made() -> None:
    digest = Digester(b"salt", shared=(Row,))
    shared = Row("Geneva", ("nato",))
    first = Page((shared, shared), "Talks")
    made = "".join(["Gene", "va"])  # an equal string that is another object
    second = Page((Row(made, ("nato",)), Row(made.lower().title(), ("nato",))), "Talks")
    assert second.rows[0].title is not shared.title
    assert digest(first) == digest(second) is not None
    assert Digester(b"salt")(first) == Digester(b"salt")(second)


def test_any_difference_changes_the_digest() -> None:
    digest = Digester(b"salt", shared=(Row,))
    page = Page((Row("Geneva", ("nato",)),), "Talks")
    others = [
        Page((Row("Vienna", ("nato",)),), "Talks"),
        Page((Row("Geneva", ("osce",)),), "Talks"),
        Page((Row("Geneva", ("nato",)),), Markup("Talks")),  # escaped differently in a page
        Page((Row("Geneva", ("nato",)), Row("Geneva", ("nato",))), "Talks"),
    ]
    assert len({digest(page), *map(digest, others)}) == 1 + len(others)
    assert Digester(b"other salt")(page) != digest(page)


def test_digests_do_not_depend_on_which_values_came_first() -> None:
    """Each class is written as a reference to pickle's memo from the first time it is met:
    the value that met it first, and the values after, digest as in any other order."""
    page = Page((Row("Geneva", ("nato",)),), datetime.date(2021, 12, 29))
    row = Row("Vienna", ())
    one, other = Digester(b"salt"), Digester(b"salt")
    first = [one(page), one(row), one(page)]
    second = [other(row), other(page), other(row)]
    assert first[0] == first[2] == second[1] is not None
    assert first[1] == second[0] == second[2] is not None
    assert Digester(b"salt")(Page((Row("Geneva", ("nato",)),), "x")) != first[0]


def test_a_value_pickle_refuses_has_no_digest() -> None:
    assert Digester(b"salt")(Page((), lambda: None)) is None


def test_a_file_stays_only_when_the_digest_of_its_inputs_is_the_same() -> None:
    digest = Digester(b"salt")
    same = OutputRecord(digest(("a", 1)) or "", (Problem("a.md", "a warning", 1, 1),))
    previous = {"a.html": same, "b.html": OutputRecord("old")}
    reuse = OutputReuse(previous, digest)
    assert reuse.verdict("a.html", ("a", 1)).record() == same, "kept, with its warnings"
    changed = reuse.verdict("b.html", ("b", 1))
    assert changed.kept is None
    assert changed.record(()) == OutputRecord(digest(("b", 1)) or "")
    unknown = reuse.verdict("c.html", None)
    assert unknown.kept is None and unknown.record(()) is None, "no key: always made"


def test_a_vouched_value_stands_for_what_it_was_made_from() -> None:
    row = Row("Geneva", ("nato",))
    page = Page((row,), "Talks")
    vouched = Digester(b"salt", shared=(Row,))
    vouched.vouch(row, "digest of geneva.yaml and its extraction key")
    made_again = Row("Geneva", ("nato",))  # in another build, say
    again = Digester(b"salt", shared=(Row,))
    again.vouch(made_again, "digest of geneva.yaml and its extraction key")
    assert vouched(page) == again(Page((made_again,), "Talks"))
    other_source = Digester(b"salt", shared=(Row,))
    other_source.vouch(row, "digest of geneva.yaml and another key")
    plain = Digester(b"salt", shared=(Row,))
    assert len({vouched(page), other_source(page), plain(page)}) == 3, (
        "another source, or the value's own digest, never passes for the same inputs"
    )


def test_a_timeline_entry_is_digested_by_its_anchor_briefing_and_actors() -> None:
    digest = Digester(b"salt", flat={TimelineEntry: entry_fields})
    event = DatedEvent("2022-01-10", "date", "Geneva talks", "10 January", 4, 14)
    actor = ActorRef("nato", "NATO", "organization")
    briefing = Briefing(
        "geneva", "Talks", datetime.date(2022, 1, 9), "en", "text", "txt", Path("a"), Path("b")
    )
    briefing = replace(briefing, dates=(event,))
    entry = TimelineEntry("event-geneva-1", event, briefing, (actor,))
    again = TimelineEntry("event-geneva-1", replace(event), replace(briefing), (replace(actor),))
    assert digest(entry) == digest(again) is not None

    def with_event(changed: DatedEvent) -> TimelineEntry:
        """The entry of a briefing whose first date is `changed`: how an event changes."""
        return replace(entry, event=changed, briefing=replace(briefing, dates=(changed,)))

    other = {"anchor": "event-geneva-2", "briefing": replace(briefing, title="Geneva talks")}
    changed = [
        *(
            replace(entry, **{f.name: other.get(f.name, ())})
            for f in fields(TimelineEntry)
            if f.name != "event"
        ),
        *(with_event(replace(event, **{f.name: None})) for f in fields(DatedEvent)),
        *(replace(entry, actors=(replace(actor, **{f.name: "x"}),)) for f in fields(ActorRef)),
    ]
    assert len({digest(entry), *map(digest, changed)}) == 1 + len(changed)
