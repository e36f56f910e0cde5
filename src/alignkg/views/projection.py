"""Projecting the RDF dataset onto a networkx graph: entities become nodes with their labels, class
and literal values as attributes; facts between entities become typed edges. Everything is read
through SPARQL, so any store that answers queries can be drawn; the ontology and the provenance
records stay out of the network, which shows what the sources say.

A projection can be narrowed to some sources' named graphs, to chosen classes (with their
subclasses), to the neighbourhood of one entity, or replaced by the answer to a query (see
:func:`to_networkx`). Every node carries the group its class belongs to (people, organisations,
posts, ...), and the graph the style of each class, both from the ontology.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
from rdflib import Dataset, Graph

from alignkg.model.errors import AlignkgError
from alignkg.model.ontology import ontology_from_graph
from alignkg.model.terms import ID, SOURCE, compact_iri
from alignkg.model.words import count, either
from alignkg.queries.named import prepare_query, run_query
from alignkg.queries.resolve import resolve_class, resolve_entity
from alignkg.stores.base import Store
from alignkg.views.answers import answer_graph
from alignkg.views.describe import (
    GraphBuilder,
    source_id,
    source_title,
    source_titles,
    statement_records,
    term_labels,
)
from alignkg.views.styles import class_styles, fallback_style

__all__ = [
    "match_node",
    "source_title",
    "source_titles",
    "statement_records",
    "term_labels",
    "to_networkx",
]

_FACTS = """
SELECT ?src ?s ?p ?o WHERE {
  GRAPH akg:meta { ?g a ak:SourceGraph ; prov:wasDerivedFrom ?src . }
  %s
  GRAPH ?g { ?s ?p ?o }
}"""
_DESCRIPTIONS = """
SELECT DISTINCT ?s ?p ?o WHERE {
  GRAPH ?g { VALUES ?p { rdf:type rdfs:label skos:altLabel dcterms:description } ?s ?p ?o }
  GRAPH akg:meta { ?g a ak:SourceGraph }
}"""
_ONTOLOGY = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH akg:ontology { ?s ?p ?o } }"


def _base(dataset: Dataset | Store, sources: list[str] | None, labels: dict[str, str]) -> nx.MultiDiGraph:
    values = ""
    if sources is not None:
        iris = " ".join(f"<{SOURCE}{s.removeprefix('aksrc:')}>" for s in sources)
        values = f"VALUES ?src {{ {iris} }}"
    builder = GraphBuilder(labels)
    entity = str(ID)
    rows = [row for row in run_query(dataset, _FACTS % values).rows if str(row[1]).startswith(entity)]
    for src, s, p, o in sorted(rows, key=lambda row: tuple(str(t) for t in row)):
        assert s is not None and p is not None and o is not None
        builder.add(s, p, o, compact_iri(str(src)))
    if sources is not None:
        # Entities drawn from some sources keep the class, labels and description given elsewhere.
        described = sorted(
            (row for row in run_query(dataset, _DESCRIPTIONS).rows if str(row[0]) in builder.nodes),
            key=lambda row: tuple(str(t) for t in row),
        )
        for s, p, o in described:
            assert s is not None and p is not None and o is not None
            builder.add(s, p, o, None)
    return builder.graph()


def match_node(graph: nx.MultiDiGraph, name: str) -> str:
    """The node whose id (``akid:x``, ``x`` or the full IRI) or label in any language is ``name``.

    Labels match without regard to case; a label shared by several entities is an error that
    lists their ids.
    """
    for candidate in (name, compact_iri(name), f"akid:{name}"):
        if candidate in graph:
            return candidate
    wanted = name.strip().casefold()
    found = sorted(
        str(node)
        for node, data in graph.nodes(data=True)
        if wanted
        in {str(label).casefold() for label in [data.get("label"), *data.get("labels", {}).values()]}
    )
    if len(found) == 1:
        return found[0]
    if found:
        raise AlignkgError(f"{name!r} names several entities: {', '.join(found)}; give one id")
    near = sorted(
        f"{data.get('label')} ({node})"
        for node, data in graph.nodes(data=True)
        if wanted and wanted in str(data.get("label", "")).casefold()
    )[:5]
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    raise AlignkgError(f"no entity with id or label {name!r} in the graph{hint}")


def _styled(dataset: Dataset | Store, graph: nx.MultiDiGraph) -> None:
    """Give each node its group, and the graph the style of each class it draws, from the
    ontology the dataset holds (classes it does not declare get a style of their own)."""
    ontology = Graph()
    for s, p, o in run_query(dataset, _ONTOLOGY).rows:
        assert s is not None and p is not None and o is not None
        ontology.add((s, p, o))
    known = class_styles(ontology_from_graph(ontology))
    styles = {}
    for _, data in graph.nodes(data=True):
        cls = data.get("class") or data.get("class_label") or "unknown"
        style = known.get(cls) or fallback_style(cls)
        styles[cls] = style.as_dict()
        data["group"] = style.group
    graph.graph["styles"] = dict(sorted(styles.items()))


def _of_classes(dataset: Dataset | Store, names: list[str]) -> tuple[set[str], str]:
    """The class ids ``names`` take in (each with its subclasses) and how to say so."""
    kept: set[str] = set()
    said: list[str] = []
    for name in names:
        named = resolve_class(dataset, name)
        kept.update(named.members)
        said.append(named.id + (" and its subclasses" if len(named.members) > 1 else ""))
    word = "class" if len(said) == 1 else "classes"
    return kept, f"entities of {word} {either(said, 'and')}"


def _centre(dataset: Dataset | Store, graph: nx.MultiDiGraph, focus: str, shown: list[str]) -> str:
    """The node ``focus`` names, found in the whole dataset, which must be among those drawn."""
    center = resolve_entity(dataset, focus)
    if center not in graph:
        raise AlignkgError(
            f"{focus!r} ({center}) is not among the entities drawn ({'; '.join(shown)}); "
            "widen the selection or focus on another entity"
        )
    return center


def to_networkx(
    dataset: Dataset | Store,
    *,
    sources: Iterable[str] | None = None,
    classes: Iterable[str] | None = None,
    focus: str | None = None,
    depth: int = 1,
    query: str | None = None,
    params: dict[str, str] | None = None,
) -> nx.MultiDiGraph:
    """The entities and the facts between them as a directed multigraph.

    Nodes are keyed by compact id (``akid:meng-fanying``) and carry ``label`` (English),
    ``label_zh``, ``labels`` (by language), ``class``, ``class_label``, ``group`` (people,
    organisations, posts, events, directives, priorities, assessments, places, sources or
    other), ``description``, ``sources`` and ``attributes`` (the entity's literal values by
    property label). Edges are keyed by predicate and carry ``predicate``, ``label``, ``sources``
    and ``source`` (the first of them). The graph's own attributes give ``shown`` (what the
    selection is), ``sources`` (id to title of the sources drawn on), ``statements`` (the
    statement records about the nodes) and ``styles`` (colour, shape and group of each class).

    - ``sources``: only these sources' named graphs (``aksrc:...`` or the bare id);
    - ``classes``: only entities of these classes or their subclasses (``ak:Meeting``, a full
      IRI, a local name or a label, in any case);
    - ``focus`` and ``depth``: only the entities within ``depth`` steps of one entity, named by
      id, label or alias in any language, edge direction ignored;
    - ``query`` and ``params``: the answer to a query (shipped name, ``.rq`` file or SPARQL text,
      its parameters as for :func:`alignkg.run_query`): a CONSTRUCT; a SELECT whose ``?subject
      ?predicate ?object`` (or ``?s ?p ?o``) rows are edges; or any other SELECT, drawn as the
      entities its columns hold or name (by label) and the relations between them.
    """
    sources = [sources] if isinstance(sources, str) else sources
    classes = [classes] if isinstance(classes, str) else classes
    chosen = None if sources is None else sorted({source_id(s) for s in sources})
    titles = source_titles(dataset)
    for source in chosen or []:
        if source not in titles:
            raise AlignkgError(f"no source {source!r} in the graph; sources: {', '.join(titles)}")
    labels = term_labels(dataset)
    graph = _base(dataset, chosen, labels)
    shown: list[str] = []
    if chosen is not None:
        shown.append(f"the facts of {'source' if len(chosen) == 1 else 'sources'} {either(chosen, 'and')}")
    if query is not None:
        named = prepare_query(dataset, query, params)
        graph = answer_graph(dataset, named, graph, titles, labels)
        shown.append(
            "the answer to a query" if named.name == "query" else f"the answer to query {named.name!r}"
        )
    elif params:
        raise AlignkgError("parameters go with a query; give the query too")
    if classes is not None:
        kept, said = _of_classes(dataset, list(classes))
        graph = graph.subgraph([n for n, d in graph.nodes(data=True) if d.get("class") in kept]).copy()
        shown.append(said)
    if focus is not None:
        if depth < 0:
            raise AlignkgError(f"depth must be 0 or more, not {depth}")
        center = _centre(dataset, graph, focus, shown)
        graph = nx.ego_graph(graph, center, radius=depth, undirected=True).copy()
        shown.append(
            f"the neighbourhood of {graph.nodes[center]['label']} ({center}) within {count(depth, 'step')}"
        )
        graph.graph["focus"] = center
    _styled(dataset, graph)
    used = {s for _, d in graph.nodes(data=True) for s in d.get("sources") or []}
    used |= {s for _, _, d in graph.edges(data=True) for s in d.get("sources") or []}
    graph.graph["shown"] = "; ".join(shown) if shown else "all entities"
    graph.graph["sources"] = {s: titles.get(s, s) for s in sorted(used)}
    nodes = set(graph.nodes)
    graph.graph["statements"] = [
        r
        for r in statement_records(dataset, labels)
        if (r.get("subject") in nodes or r.get("object") in nodes)
        and (chosen is None or r.get("source") in chosen)
    ]
    return graph
