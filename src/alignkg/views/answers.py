"""Drawing a query's answer: a CONSTRUCT's triples; a SELECT of edges (``?subject ?predicate
?object``); or any other SELECT, as the entities its columns hold or are about, with the
relations the graph has between them. Entities keep the labels, class and sources they have in
the graph; literal columns become attributes of the entity beside them.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
from rdflib import Dataset, Literal, URIRef

from alignkg.model.errors import AlignkgError
from alignkg.model.terms import compact_iri
from alignkg.queries.columns import about, widen_select
from alignkg.queries.named import NamedQuery, execute, run_query
from alignkg.stores.base import Store
from alignkg.stores.result import QueryResult
from alignkg.views.describe import GraphBuilder, empty_node

_SUBJECT = ("subject", "s", "from")
_OBJECT = ("object", "o", "to")
_PREDICATE = ("predicate", "p", "edge")
_SOURCE_KINDS = """
SELECT ?src ?kind WHERE {
  GRAPH akg:meta { ?src a ?kind . VALUES ?kind { ak:Article ak:BackgroundKnowledge } }
}"""


def _index(variables: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [v.lower() for v in variables]
    return next((lowered.index(v) for v in names if v in lowered), None)


def _edges(result: QueryResult, builder: GraphBuilder) -> None:
    """Rows as edges from ``?subject`` to ``?object``, labelled by ``?predicate`` when given."""
    subject, obj = _index(result.variables, _SUBJECT), _index(result.variables, _OBJECT)
    predicate = _index(result.variables, _PREDICATE)
    assert subject is not None and obj is not None
    used = {subject, obj, predicate}
    for row in result.rows:
        s, o = row[subject], row[obj]
        p = row[predicate] if predicate is not None else None
        if not isinstance(s, URIRef):
            continue
        builder.node(str(s))
        if o is not None:
            if isinstance(p, URIRef):
                builder.add(s, p, o, None)
            elif isinstance(o, URIRef):
                builder.node(str(o))
                label = str(p) if p is not None else "related"
                builder.edge(str(s), label, str(o), None, label=label)
            else:
                name = str(p) if p is not None else result.variables[obj]
                if isinstance(o, Literal):
                    builder.literal(builder.node(str(s)), name, o)
                else:
                    builder.node(str(s))["attributes"].setdefault(name, []).append(str(o))
        for index, term in enumerate(row):
            if index not in used and isinstance(term, Literal):
                builder.literal(builder.node(str(s)), result.variables[index], term)


def _described(graph: nx.MultiDiGraph, base: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Give the nodes and edges of a query's graph the descriptions and sources they have in ``base``."""
    for node, data in graph.nodes(data=True):
        if node in base:
            known = base.nodes[node]
            empty = {**empty_node(""), "label": str(node)}
            for key in ("label", "label_zh", "labels", "class", "class_label", "description", "sources"):
                if data.get(key) == empty[key]:
                    data[key] = known.get(key)
            data["attributes"] = {**known.get("attributes", {}), **data["attributes"]}
            data["datatypes"] = {**known.get("datatypes", {}), **data.get("datatypes", {})}
    for s, o, key, data in graph.edges(keys=True, data=True):
        if base.has_edge(s, o, key):
            data["sources"] = base.edges[s, o, key]["sources"]
            data["source"] = base.edges[s, o, key]["source"]
    return graph


def _source_node(source: str, title: str, kind: str | None, labels: dict[str, str]) -> dict[str, Any]:
    node = empty_node(source)
    node.update(label=title, labels={"en": title}, sources=[source])
    if kind is not None:
        node.update({"class": compact_iri(kind), "class_label": labels.get(kind) or compact_iri(kind)})
    return node


def _entities(
    dataset: Dataset | Store,
    result: QueryResult,
    columns: dict[str, list[str]],
    base: nx.MultiDiGraph,
    titles: dict[str, str],
    labels: dict[str, str],
) -> nx.MultiDiGraph:
    """The entities (and sources) an answer's columns hold or are about, with the relations the
    graph has between them; each literal column becomes an attribute of the nearest entity
    column to its left (or else to its right) in the same row."""
    position = {v: i for i, v in enumerate(result.variables)}
    order = [v for v in columns if v in position]
    behind = {v: [position[w] for w in columns[v] if w in position] for v in order}
    chosen: set[str] = set()
    attributes: dict[str, dict[str, set[str]]] = {}
    for row in result.rows:
        found: list[str | None] = []
        for name in order:
            terms = [row[i] for i in behind[name]]
            ids = [compact_iri(str(t)) for t in terms if isinstance(t, URIRef)]
            ids = [i for i in ids if i in base or i in titles]
            chosen.update(ids)
            found.append(ids[0] if ids else None)
        for at, name in enumerate(order):
            value = row[position[name]]
            named = any(isinstance(row[i], URIRef) for i in behind[name] if i != position[name])
            if not isinstance(value, Literal) or named:
                continue  # the label of something drawn (or of a term), or text made from one
            left = [f for f in reversed(found[:at]) if f]
            right = [f for f in found[at + 1 :] if f]
            owners = [f for f in [*left, *right] if f is not None]
            if owners:
                attributes.setdefault(owners[0], {}).setdefault(name, set()).add(str(value))
    if result.rows and not chosen:
        raise AlignkgError(
            "the answer holds no entity of the graph to draw (columns "
            + ", ".join("?" + v for v in result.variables)
            + "); select entity ids, or labels read with rdfs:label, or use CONSTRUCT"
        )
    graph: nx.MultiDiGraph = base.subgraph(sorted(chosen & set(base.nodes))).copy()
    kinds = (
        {compact_iri(str(src)): str(kind) for src, kind in run_query(dataset, _SOURCE_KINDS).rows}
        if chosen - set(base.nodes)
        else {}
    )
    for source in sorted(chosen - set(base.nodes)):
        graph.add_node(source, **_source_node(source, titles[source], kinds.get(source), labels))
    for node, values in attributes.items():
        merged = dict(graph.nodes[node].get("attributes") or {})
        for name, texts in sorted(values.items()):
            merged.setdefault(name, "; ".join(sorted(texts)))
        graph.nodes[node]["attributes"] = merged
    return graph


def answer_graph(
    dataset: Dataset | Store,
    named: NamedQuery,
    base: nx.MultiDiGraph,
    titles: dict[str, str],
    labels: dict[str, str],
) -> nx.MultiDiGraph:
    """The graph a query's answer draws, its nodes described as in ``base`` (the entities and
    facts of the sources chosen) and its sources titled by ``titles``."""
    columns = about(named.text)
    result: QueryResult | None = None
    if not columns:  # not a SELECT
        result = execute(dataset, named)
        if result.boolean is not None:
            raise AlignkgError("an ASK query has no graph to draw; use CONSTRUCT or a SELECT of entities")
        if result.graph is not None:
            builder = GraphBuilder(labels)
            for s, p, o in result.rows:
                assert s is not None and p is not None and o is not None
                builder.add(s, p, o, None)
            return _described(builder.graph(), base)
        columns = {v: [v] for v in result.variables}
    if _index(list(columns), _SUBJECT) is not None and _index(list(columns), _OBJECT) is not None:
        result = result or execute(dataset, named)
        subject = _index(result.variables, _SUBJECT)
        if any(isinstance(row[subject], URIRef) for row in result.rows if subject is not None):
            builder = GraphBuilder(labels)
            _edges(result, builder)
            return _described(builder.graph(), base)
    wanted = list(dict.fromkeys(v for vs in columns.values() for v in vs if v not in columns))
    if wanted:
        result = execute(
            dataset, NamedQuery(named.name, named.question, widen_select(named.text, wanted), {})
        )
    return _entities(dataset, result or execute(dataset, named), columns, base, titles, labels)
