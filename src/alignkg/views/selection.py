"""Choosing nodes of a projected graph: one entity by id or label, entity classes by id or label."""

from __future__ import annotations

import networkx as nx

from alignkg.model.errors import AlignkgError
from alignkg.model.terms import compact_iri

__all__ = ["class_filter", "match_node"]


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


def class_filter(graph: nx.MultiDiGraph, classes: list[str]) -> set[str]:
    """The class ids (``ak:Meeting``) named by ``classes``: ids, full IRIs or class labels."""
    present: dict[str, str] = {}
    for _, data in graph.nodes(data=True):
        if data.get("class"):
            present[data["class"]] = data.get("class_label") or data["class"]
    chosen: set[str] = set()
    for name in classes:
        wanted = name.strip().casefold()
        forms = {wanted, compact_iri(name.strip()).casefold()}
        hits = {
            cls
            for cls, label in present.items()
            if forms & {cls.casefold(), label.casefold(), cls.split(":")[-1].casefold()}
        }
        if not hits:
            known = ", ".join(sorted(f"{label} ({cls})" for cls, label in present.items()))
            raise AlignkgError(f"no class {name!r} among the entities shown; classes: {known}")
        chosen |= hits
    return chosen
