"""Which actors of different briefings are one person (or organisation, country…).

A French briefing says "Vladimir Poutine", an English one "Putin"; one says "Blinken", another
"Antony Blinken". Each deserves one page. Names are compared by `name_key` (case, accents and
punctuation do not count), and three rules join actors, in this order of trust:

1. the site's `actors.yaml` (canonical actors): an actor whose name or alias is a canonical
   actor's name or alias is that actor — its own name first, then its aliases;
2. a shared name or alias between two briefings' actors;
3. a surname: a person named only "Blinken" somewhere is the one person whose longer name ends
   with "Blinken" — but only when exactly one such person exists, so "Biden" stays apart from
   both "Joe Biden" and "Hunter Biden" when a site names both.

Two canonical actors are never joined, even when a briefing's aliases bridge them: the analyst's
file decides. Everything here is pure and deterministic: the same briefings in the same order
give the same identities.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from briefgen.model import ACTOR_KINDS, Actor, ActorKind, Briefing, CanonicalActor
from briefgen.names import name_key


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One actor as one briefing lists it: `briefing.actors[position]`."""

    briefing: Briefing
    actor: Actor
    position: int


@dataclass(frozen=True, slots=True)
class Identity:
    """One actor of the site: its canonical entry, if any, and its occurrences in briefings."""

    canonical: CanonicalActor | None
    occurrences: tuple[Occurrence, ...]

    @property
    def kind(self) -> ActorKind:
        """The canonical kind, else the kind most briefings give (the first seen on a tie)."""
        if self.canonical is not None:
            return self.canonical.kind
        return _most_common(o.actor.kind for o in self.occurrences) or ACTOR_KINDS[0]

    def name(self, site_language: str) -> str:
        """The canonical name, else the fullest name briefings use, preferring the commonest.

        Ties go to the name used in the site's language, then to alphabetical order.
        """
        if self.canonical is not None:
            return self.canonical.name
        uses: Counter[str] = Counter()
        local: Counter[str] = Counter()
        for occurrence in self.occurrences:
            uses[occurrence.actor.name] += 1
            local[occurrence.actor.name] += occurrence.briefing.lang == site_language
        return min(uses, key=lambda n: (-len(name_key(n).split()), -uses[n], -local[n], n))

    def names(self) -> list[str]:
        """Every name and alias, canonical ones first, each spelling of a name once."""
        written: list[str] = []
        if self.canonical is not None:
            written += [self.canonical.name, *self.canonical.aliases]
        for occurrence in self.occurrences:
            written += [occurrence.actor.name, *occurrence.actor.aliases]
        first_spelling: dict[str, str] = {}
        for name in written:
            first_spelling.setdefault(name_key(name), name)
        return list(first_spelling.values())


def identify_actors(
    briefings: Sequence[Briefing], canonical: Sequence[CanonicalActor] = ()
) -> list[Identity]:
    """The site's actors: the briefings' actors joined by the rules above.

    Identities come in the order of their first node: canonical actors in file order (those
    that no briefing names are left out), then briefing actors in briefing order.
    """
    occurrences = [Occurrence(b, a, i) for b in briefings for i, a in enumerate(b.actors)]
    keys = [_keys(occurrence.actor) for occurrence in occurrences]
    groups = _Groups(len(canonical), len(occurrences))
    _join_to_canonical(groups, canonical, keys)
    _join_shared_names(groups, keys)
    _join_surnames(groups, canonical, occurrences, keys)
    members: dict[int, list[int]] = {}
    for node in range(len(canonical) + len(occurrences)):
        members.setdefault(groups.find(node), []).append(node)
    identities = []
    for nodes in members.values():
        found = tuple(occurrences[n - len(canonical)] for n in nodes if n >= len(canonical))
        if found:
            entry = canonical[nodes[0]] if nodes[0] < len(canonical) else None
            identities.append(Identity(entry, found))
    return identities


class _Groups:
    """Union-find over canonical actors (nodes 0..c-1) and occurrences (nodes c..)."""

    def __init__(self, canonical: int, occurrences: int) -> None:
        self.canonical = canonical
        self.parent = list(range(canonical + occurrences))

    def find(self, node: int) -> int:
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def join(self, first: int, second: int) -> None:
        """Join two groups, unless each already holds a canonical actor (the root's index)."""
        a, b = sorted((self.find(first), self.find(second)))
        if a != b and not (a < self.canonical and b < self.canonical):
            self.parent[b] = a


def _keys(actor: Actor) -> list[str]:
    """The actor's name keys, its name's first; computed once per occurrence, as every rule
    reads them."""
    return list(dict.fromkeys(key for key in map(name_key, (actor.name, *actor.aliases)) if key))


def _join_to_canonical(
    groups: _Groups, canonical: Sequence[CanonicalActor], keys: Sequence[list[str]]
) -> None:
    """Rule 1: `keys[i]` are occurrence i's name keys."""
    owner: dict[str, int] = {}
    for index, entry in enumerate(canonical):
        for name in (entry.name, *entry.aliases):
            owner.setdefault(name_key(name), index)
    base = len(canonical)
    for pass_aliases in (False, True):
        for position, names in enumerate(keys):
            for key in names[1:] if pass_aliases else names[:1]:
                if key in owner:
                    groups.join(owner[key], base + position)
                    break


def _join_shared_names(groups: _Groups, keys: Sequence[list[str]]) -> None:
    """Rule 2: `keys[i]` are occurrence i's name keys."""
    first_with: dict[str, int] = {}
    base = groups.canonical
    for position, names in enumerate(keys):
        for key in names:
            groups.join(first_with.setdefault(key, base + position), base + position)


def _join_surnames(
    groups: _Groups,
    canonical: Sequence[CanonicalActor],
    occurrences: Sequence[Occurrence],
    keys: Sequence[list[str]],
) -> None:
    """Join a person's unexplained short name to the one person whose longer name ends with it.

    A short name is unexplained when none of its own group's names ends with it ("Biden" in a
    group that also says "Joe Biden" is explained, and stays put).
    """
    names: dict[int, set[str]] = {}
    kinds: dict[int, list[ActorKind]] = {}
    for index, entry in enumerate(canonical):
        names[index] = {name_key(n) for n in (entry.name, *entry.aliases)}
    for position, occurrence in enumerate(occurrences):
        root = groups.find(len(canonical) + position)
        names.setdefault(root, set()).update(keys[position])
        kinds.setdefault(root, []).append(occurrence.actor.kind)
    people = sorted(
        root
        for root in names
        if (canonical[root].kind if root < len(canonical) else _most_common(kinds[root]))
        == "person"
    )
    ending_with: dict[str, set[int]] = {}
    for root in people:
        for key in names[root]:
            words = key.split()
            for start in range(1, len(words)):
                ending_with.setdefault(" ".join(words[start:]), set()).add(root)
    for root in people:
        candidates = {
            other
            for short in names[root]
            if root not in ending_with.get(short, ())
            for other in ending_with.get(short, ())
        }
        if len(candidates) == 1:
            groups.join(root, candidates.pop())


def _most_common(kinds: Iterable[ActorKind]) -> ActorKind | None:
    counted = Counter(kinds).most_common(1)
    return counted[0][0] if counted else None
