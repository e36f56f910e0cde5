"""Namespaces, prefixes and IRI minting: the one place that decides what alignkg IRIs look like."""

from __future__ import annotations

import re

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/alignkg/"

AK = Namespace(BASE + "ontology#")
"""Ontology terms (classes and properties)."""
ID = Namespace(BASE + "id/")
"""Entities described by the data (enterprises, persons, meetings, directives...)."""
SOURCE = Namespace(BASE + "source/")
"""Sources: the documents and background knowledge every fact comes from."""
GRAPH = Namespace(BASE + "graph/")
"""Named graphs: one per source, plus the ontology and the metadata graph."""
STATEMENT = Namespace(BASE + "statement/")
"""Statement records: the reified facts carrying source, locator and evidence."""

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
"""W3C Web Annotation: the selectors that give a statement's quote and where it stands."""

ONTOLOGY_GRAPH = GRAPH["ontology"]
META_GRAPH = GRAPH["meta"]
INFERRED_GRAPH = GRAPH["inferred"]
"""The named graph holding what reasoning adds to the asserted facts (``alignkg build --infer``)."""

PREFIXES: dict[str, Namespace] = {
    "ak": AK,
    "akid": ID,
    "aksrc": SOURCE,
    "akg": GRAPH,
    "akst": STATEMENT,
    "org": ORG,
    "oa": OA,
    "prov": Namespace(str(PROV)),
    "skos": Namespace(str(SKOS)),
    "schema": SCHEMA,
    "dcterms": Namespace(str(DCTERMS)),
    "foaf": Namespace(str(FOAF)),
    "owl": Namespace(str(OWL)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "xsd": Namespace(str(XSD)),
}
"""Prefixes used in the CSV tables, the shipped queries and every serialisation."""

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
"""What an id in the tables may look like: safe in an IRI path without escaping."""


def is_valid_id(text: str) -> bool:
    """True if ``text`` can be used as an entity or source id.

    >>> is_valid_id("meng-fanying"), is_valid_id("Meng Fanying"), is_valid_id("a<b")
    (True, False, False)
    """
    return ID_PATTERN.fullmatch(text) is not None


def entity_iri(entity_id: str) -> URIRef:
    """The IRI of an entity id from the tables."""
    return ID[entity_id]


def source_iri(source_id: str) -> URIRef:
    """The IRI of a source id from the tables."""
    return SOURCE[source_id]


def selector_iri(record: URIRef, kind: str) -> URIRef:
    """The IRI of a selector (``quote`` or ``position``) of a statement record: the record's own
    IRI with a suffix, so the selector is as stable as the record.

    >>> selector_iri(STATEMENT["0a1b"], "quote")
    rdflib.term.URIRef('https://w3id.org/alignkg/statement/0a1b-quote')
    """
    return URIRef(f"{record}-{kind}")


def source_graph_iri(source_id: str) -> URIRef:
    """The named graph holding the facts taken from one source."""
    return GRAPH[source_id]


def expand_curie(curie: str) -> URIRef | None:
    """Expand ``prefix:local`` with alignkg's prefixes; None if the prefix is unknown.

    >>> expand_curie("org:holds")
    rdflib.term.URIRef('http://www.w3.org/ns/org#holds')
    >>> expand_curie("nope:x") is None
    True
    """
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in PREFIXES or not local:
        return None
    return URIRef(str(PREFIXES[prefix]) + local)


def compact_iri(iri: str) -> str:
    """Shorten an IRI to ``prefix:local`` when a known prefix matches, else return it whole.

    >>> compact_iri("https://w3id.org/alignkg/id/baogang-group")
    'akid:baogang-group'
    """
    best = ""
    best_prefix = ""
    for prefix, namespace in PREFIXES.items():
        ns = str(namespace)
        if iri.startswith(ns) and len(ns) > len(best):
            best, best_prefix = ns, prefix
    local = iri[len(best) :]
    if best and local and ID_PATTERN.fullmatch(local):
        return f"{best_prefix}:{local}"
    return iri


def sparql_prologue() -> str:
    """PREFIX lines for every alignkg prefix, to put in front of a query."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


_PREFIX_DECL = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE | re.MULTILINE)


def with_prefixes(text: str) -> tuple[str, int]:
    """Prepend PREFIX lines for alignkg prefixes the query does not declare itself.

    Returns the text and how many lines were added, so error positions can be reported in the
    user's own lines.
    """
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(text)}
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items() if p not in declared]
    return "\n".join([*lines, text]), len(lines)
