"""Actors: the people, organisations, countries, places and groups an article names.

Candidates (`actor_candidates.py`) are merged into actors: every name the text gives one actor
becomes one `Actor` with all its mentions - a surname joins the full name it shortens ("Biden",
"Joe Biden"), an acronym the name it abbreviates ("GAO", "Government Accountability Office"),
known aliases their entry ("OTAN", "Organisation du traité de l'Atlantique Nord"). The surest
mention decides the kind of all, and the title or apposition the text gives a person becomes
its role.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from briefgen.extract.actor_candidates import (
    CONTEXT,
    PERSON_CUE,
    SHAPE,
    Candidate,
    find_candidates,
)
from briefgen.extract.actor_lexicon import ActorLexicon, actor_lexicon, fold
from briefgen.extract.actor_roles import apposition_role
from briefgen.model import Actor, ActorKind, Mention

#: An acronym needs this many letters before it is matched to the initials of a longer name.
_MIN_INITIALS = 2


@dataclass(slots=True)
class _Cluster:
    """The candidates merged so far into one actor (mutable while merging, then frozen).

    `longest` is its longest name (`words`, split), fixed when the cluster is built: merging
    only ever adds shorter forms to it. What the merge asks of a cluster again and again (its
    canonical name, kind, evidence and first mention) is worked out once, and again only when
    the cluster takes in another (`absorb`).
    """

    key: str
    candidates: list[Candidate] = field(default_factory=list)
    longest: str = ""
    words: list[str] = field(default_factory=list)
    canonical: str = ""
    evidence: int = 0
    kind: ActorKind = "organization"
    first: int = 0

    def settle(self) -> None:
        """Fix `longest` and `words`, once all the cluster's own spellings are in."""
        names = (candidate.text for candidate in self.candidates)
        self.longest = max(names, key=lambda name: (name.count(" "), len(name)))
        self.words = self.longest.split()
        self._summarise()

    def absorb(self, other: _Cluster) -> None:
        """Take in the mentions of `other`, a short form of this actor."""
        self.candidates.extend(other.candidates)
        self.candidates.sort(key=lambda candidate: candidate.start)
        self._summarise()

    def _summarise(self) -> None:
        candidates = self.candidates
        self.canonical = next((c.canonical for c in candidates if c.canonical), "")
        self.evidence = max(candidate.evidence for candidate in candidates)
        # The kind of the surest mention; among equally sure ones, the longest name's.
        self.kind = max(candidates, key=lambda c: (c.evidence, len(c.text.split()))).kind
        self.first = candidates[0].start


def find_actors(text: str, lang: str, sentences: list[tuple[int, int]]) -> list[Actor]:
    """The actors `text` names, most salient first (most mentions, then earliest)."""
    lexicon = actor_lexicon(lang)
    candidates = find_candidates(text, lexicon, sentences)
    clusters = _merge_short_forms(_clusters_by_name(candidates), text)
    actors = [
        _actor(cluster, text, lexicon)
        for cluster in clusters
        if any(not candidate.doubtful for candidate in cluster.candidates)
    ]
    return sorted(actors, key=lambda actor: (-len(actor.mentions), actor.mentions[0].start))


def _clusters_by_name(candidates: Iterable[Candidate]) -> list[_Cluster]:
    """One cluster per known actor or per distinct spelling, in order of first mention."""
    clusters: dict[str, _Cluster] = {}
    for candidate in candidates:
        key = candidate.canonical or fold(candidate.text)
        clusters.setdefault(key, _Cluster(key)).candidates.append(candidate)
    for cluster in clusters.values():
        cluster.settle()
    return list(clusters.values())


def _merge_short_forms(clusters: list[_Cluster], text: str) -> list[_Cluster]:
    """Fold each short form into the longer name it stands for, if the text has one."""
    spelled_out = _spelled_out_acronyms(clusters, text)
    merged: list[_Cluster] = []
    for cluster in sorted(clusters, key=lambda c: -len(c.words)):
        target = spelled_out.get(cluster.key) or _longer_form(cluster, merged)
        if target is None or target is cluster:
            merged.append(cluster)
        else:
            target.absorb(cluster)
    return sorted(merged, key=lambda cluster: cluster.first)


def _spelled_out_acronyms(clusters: list[_Cluster], text: str) -> dict[str, _Cluster]:
    """ "Expansion (ACR)": the acronym in brackets right after a name is that name's."""
    owner_at_end: dict[int, _Cluster] = {}
    for cluster in clusters:
        for candidate in cluster.candidates:
            owner_at_end[candidate.end] = cluster
    spelled: dict[str, _Cluster] = {}
    for cluster in clusters:
        for candidate in cluster.candidates:
            if candidate.start < 2 or text[candidate.start - 2 : candidate.start] != " (":
                continue
            if not text.startswith(")", candidate.end):
                continue
            owner = owner_at_end.get(candidate.start - 2)
            if owner is not None and owner is not cluster and not cluster.canonical:
                spelled.setdefault(cluster.key, owner)
    return spelled


def _longer_form(cluster: _Cluster, longer: list[_Cluster]) -> _Cluster | None:
    """The longer actor a short form stands for: a person's surname ("Horne" → "Emily Horne"),
    an organisation's first words ("Northrop" → "Northrop Grumman"), its initials ("GAO")."""
    if cluster.canonical:
        return None
    words = cluster.words
    matches = [
        other
        for other in longer
        if len(other.words) > len(words) and _stands_for(cluster, words, other)
    ]
    if not matches:
        return None
    return max(matches, key=lambda other: (len(other.candidates), -other.first))


def _stands_for(cluster: _Cluster, words: list[str], other: _Cluster) -> bool:
    """Whether the short form `cluster` (its name split in `words`) names `other`; a surname
    that only its context made a place ("les propos de Macron") still joins the person."""
    other_words = other.words
    kind = other.kind
    if kind == "person":
        introduced = other.first < cluster.first or cluster.evidence == PERSON_CUE
        typed_place = cluster.kind == "place" and cluster.evidence > CONTEXT
        return introduced and other_words[-len(words) :] == words and not typed_place
    if cluster.evidence >= PERSON_CUE and cluster.kind == "person":
        return False
    if kind == "organization" and other_words[: len(words)] == words and other.evidence >= SHAPE:
        return True
    return len(words) == 1 and _is_acronym_of(words[0], other_words)


def _is_acronym_of(acronym: str, words: list[str]) -> bool:
    """ "GAO" for "Government Accountability Office", "EADS" for "European Aeronautic Defence
    and Space Company": the initials of the capitalised words, all or the first ones."""
    letters = acronym.replace(".", "")
    if len(letters) < _MIN_INITIALS or not letters.isupper():
        return False
    initials = "".join(word[0] for word in words if word[:1].isupper())
    return initials == letters or (len(letters) > _MIN_INITIALS and initials.startswith(letters))


def _actor(cluster: _Cluster, text: str, lexicon: ActorLexicon) -> Actor:
    """The frozen actor of a finished cluster."""
    mentions = tuple(Mention(c.start, c.end, c.text) for c in cluster.candidates)
    name = cluster.canonical or cluster.longest
    kind = cluster.kind
    aliases = tuple(dict.fromkeys(m.text for m in mentions if m.text != name))
    role = _role(cluster, text, lexicon) if kind == "person" else ""
    return Actor(name=name, kind=kind, role=role, aliases=aliases, mentions=mentions)


def _role(cluster: _Cluster, text: str, lexicon: ActorLexicon) -> str:
    """The most specific role the text states for a person: its longest title or apposition."""
    roles = [candidate.role for candidate in cluster.candidates if candidate.role]
    roles.extend(apposition_role(text, candidate.end, lexicon) for candidate in cluster.candidates)
    return max(roles, key=lambda role: (len(role.split()), len(role)), default="")
