"""Finding what a person names: an entity by ``akid:`` id, bare id, full IRI, English or Chinese
label or alias (``skos:altLabel``), and a class by id, IRI, local name or label, all without
regard to case, looked up in the graph through SPARQL so every store answers alike.

A name that matches nothing is an error offering the closest names the graph holds, never an
empty answer; a label two entities share is an error listing both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node

from alignkg.model.errors import AlignkgError
from alignkg.model.ontology import local_name
from alignkg.model.suggest import closest
from alignkg.model.terms import ID, compact_iri, expand_curie, is_valid_id
from alignkg.model.words import did_you_mean, plural
from alignkg.stores.base import Store
from alignkg.stores.memory import query_dataset

_IRI = re.compile(r"[^<>\"{}|^`\\\s]+")
_ENTITY_FILTER = f'isIRI(?e) && STRSTARTS(STR(?e), "{ID}")'


@dataclass(frozen=True)
class NamedClass:
    """A class as found from a name: its compact id, label, and itself with every subclass."""

    id: str
    label: str
    members: tuple[str, ...]


def _rows(data: Dataset | Store, text: str) -> list[tuple[Node | None, ...]]:
    result = query_dataset(data, text, name="lookup") if isinstance(data, Dataset) else data.query(text)
    return result.rows


def _ask(data: Dataset | Store, text: str) -> bool:
    result = query_dataset(data, text, name="lookup") if isinstance(data, Dataset) else data.query(text)
    return bool(result.boolean)


def _iri_of(name: str) -> str | None:
    """The IRI a name spells out as an id: ``akid:x``, ``x``, ``<iri>`` or the full IRI."""
    text = name.strip().removeprefix("<").removesuffix(">")
    if "://" in text:
        iri: str | None = text
    elif ":" in text:
        expanded = expand_curie(text)
        iri = str(expanded) if expanded is not None else None
    else:
        iri = str(ID[text]) if is_valid_id(text) else None
    return iri if iri is not None and _IRI.fullmatch(iri) else None


def _within(cls: str | None) -> str:
    if cls is None:
        return ""
    iri = expand_curie(cls)
    return f"?e a/rdfs:subClassOf* <{iri}> ." if iri is not None else ""


def _fold(name: str) -> str:
    return " ".join(name.split()).lower()


def resolve_entity(
    data: Dataset | Store, name: str, *, within: str | None = None, what: str = "entity"
) -> str:
    """The compact id (``akid:li-xiao``) of the entity ``name`` names.

    ``name`` may be an ``akid:`` id, a bare id, the full IRI, or a label or alias in any
    language, in any case. ``within`` (a class such as ``ak:Enterprise``) keeps only entities
    of that class or its subclasses; ``what`` names them in messages ("enterprise").
    """
    iri = _iri_of(name)
    restrict = _within(within)
    if (
        iri is not None
        and iri.startswith(str(ID))
        and _ask(data, f"ASK {{ <{iri}> a ?c . {_bind(iri, restrict)} }}")
    ):
        return compact_iri(iri)
    wanted = Literal(_fold(name)).n3()
    lowered = Literal((iri or "").lower()).n3()
    found = sorted(
        {
            compact_iri(str(row[0]))
            for row in _rows(
                data,
                f"""SELECT DISTINCT ?e WHERE {{
                  {{ ?e rdfs:label|skos:altLabel ?l . FILTER({_ENTITY_FILTER} && LCASE(STR(?l)) = {wanted}) }}
                  UNION
                  {{ ?e a ?c . FILTER({_ENTITY_FILTER} && LCASE(STR(?e)) = {lowered}) }}
                  {restrict}
                }}""",
            )
            if isinstance(row[0], URIRef)
        }
    )
    if len(found) == 1:
        return found[0]
    if found:
        raise AlignkgError(f"{name!r} names several {plural(what)}: {', '.join(found)}; give one id")
    raise AlignkgError(f"no {what} {name!r} in the graph{did_you_mean(_near_entities(data, name, restrict))}")


def _bind(iri: str, restrict: str) -> str:
    return restrict.replace("?e", f"<{iri}>") if restrict else ""


def _near_entities(data: Dataset | Store, name: str, restrict: str) -> list[str]:
    """The entities whose id, labels or aliases come closest to ``name``, as ``Label (akid:x)``."""
    names: dict[str, list[str]] = {}
    shown: dict[str, tuple[int, str]] = {}
    rows = _rows(
        data,
        f"""SELECT ?e ?l ?alias WHERE {{
          {{ ?e rdfs:label ?l BIND(false AS ?alias) }} UNION {{ ?e skos:altLabel ?l BIND(true AS ?alias) }}
          FILTER({_ENTITY_FILTER}) {restrict}
        }}""",
    )
    for entity, label, alias in rows:
        key = compact_iri(str(entity))
        names.setdefault(key, [key.removeprefix("akid:")]).append(str(label))
        # shown by its English label, else another label, else an alias
        rank = (2 if str(alias) == "true" else 0) + (
            0 if isinstance(label, Literal) and label.language == "en" else 1
        )
        if key not in shown or (rank, str(label)) < shown[key]:
            shown[key] = (rank, str(label))
    english = {key: label for key, (_, label) in shown.items()}
    wanted = name.strip().removeprefix("akid:")
    return [f"{english[key]} ({key})" for key in closest(wanted, names)]


_CLASSES = f"""
SELECT DISTINCT ?c ?l ?used WHERE {{
  {{ ?c a owl:Class BIND(false AS ?used) }}
  UNION {{ ?x a ?c . FILTER(STRSTARTS(STR(?x), "{ID}")) BIND(true AS ?used) }}
  FILTER(isIRI(?c))
  OPTIONAL {{ ?c rdfs:label ?l }}
}}"""


def resolve_class(data: Dataset | Store, name: str) -> NamedClass:
    """The class ``name`` names (compact id, full IRI, local name or label, in any case) with
    every class below it in the ontology, so ``Organization`` takes in enterprises and committees."""
    labels: dict[str, list[str]] = {}
    english: dict[str, str] = {}
    used: set[str] = set()
    for term, label, in_use in _rows(data, _CLASSES):
        labels.setdefault(str(term), [])
        if isinstance(in_use, Literal) and in_use.toPython() is True:
            used.add(str(term))
        if isinstance(label, Literal):
            labels[str(term)].append(str(label))
            if label.language in (None, "", "en"):
                english[str(term)] = str(label)
    wanted = _fold(name)
    iri = _iri_of(name)
    hits = sorted(
        cls
        for cls, names in labels.items()
        if cls == iri
        or wanted in {_fold(n) for n in [*names, compact_iri(cls), local_name(compact_iri(cls))]}
    )
    if iri in labels:
        hits = [iri]
    if not hits:
        near = closest(
            local_name(name), {compact_iri(c): [local_name(compact_iri(c)), *n] for c, n in labels.items()}
        )
        hint = did_you_mean(near) or "; classes with entities: " + ", ".join(
            sorted(f"{english.get(c, compact_iri(c))} ({compact_iri(c)})" for c in used)
        )
        raise AlignkgError(f"no class {name!r} in the graph or its ontology{hint}")
    if len(hits) > 1:
        raise AlignkgError(
            f"{name!r} names several classes: {', '.join(sorted(compact_iri(h) for h in hits))}; give one id"
        )
    (cls,) = hits
    below = {
        str(row[0])
        for row in _rows(data, f"SELECT DISTINCT ?sub WHERE {{ ?sub rdfs:subClassOf+ <{cls}> }}")
        if isinstance(row[0], URIRef)
    }
    members = tuple(sorted(compact_iri(c) for c in {cls, *below}))
    return NamedClass(compact_iri(cls), english.get(cls, compact_iri(cls)), members)
