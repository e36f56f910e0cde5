"""alignkg: knowledge graphs of state-owned enterprises and the national directives they follow.

The Python API mirrors the command line: build the graph from curated tables, query it into
pandas, project it into networkx and write a shareable HTML view.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alignkg.analysis.cascade import directive_cascade
    from alignkg.analysis.chains import alignment_chains
    from alignkg.analysis.metrics import alignment_metrics
    from alignkg.analysis.network import centrality, find_node, shortest_paths
    from alignkg.builder.build import BuildReport, build, build_graph
    from alignkg.checks.findings import Finding, Severity, ValidationError, ValidationReport
    from alignkg.checks.inference import entailments, infer
    from alignkg.checks.quotes import QuoteReport, verify_quotes
    from alignkg.checks.validation import validate, validate_graph
    from alignkg.endpoint.review import ReviewConfig, ReviewServer, create_review_app, serve_review
    from alignkg.endpoint.server import EndpointConfig, create_app, serve
    from alignkg.ingest.review import load_review, save_review
    from alignkg.model.errors import AlignkgError, DataError, Location
    from alignkg.model.graph import BuiltGraph
    from alignkg.model.ontology import Ontology, load_ontology
    from alignkg.model.serialize import Format, serialize
    from alignkg.model.tables import Tables, read_tables
    from alignkg.queries.named import NamedQuery, get_query, query, run_query, shipped_queries
    from alignkg.stores.base import Store, StoreStats
    from alignkg.stores.memory import load_dataset
    from alignkg.stores.result import QueryResult
    from alignkg.stores.sparql import push
    from alignkg.stores.spec import open_store
    from alignkg.views.documentation import render_docs, write_docs
    from alignkg.views.export import ExportFormat, export_graph
    from alignkg.views.projection import to_networkx
    from alignkg.views.report import Report, render_report, write_report
    from alignkg.views.site import SiteSummary, write_site
    from alignkg.views.view import render_view, write_view

__version__ = "0.1.0"

# Each public name and the module that defines it. Names are imported when first used, so
# ``import alignkg`` loads no RDF, plotting, layout, validation or server library.
_EXPORTS = {
    "AlignkgError": "alignkg.model.errors",
    "BuildReport": "alignkg.builder.build",
    "BuiltGraph": "alignkg.model.graph",
    "DataError": "alignkg.model.errors",
    "EndpointConfig": "alignkg.endpoint.server",
    "ExportFormat": "alignkg.views.export",
    "Finding": "alignkg.checks.findings",
    "Format": "alignkg.model.serialize",
    "Location": "alignkg.model.errors",
    "NamedQuery": "alignkg.queries.named",
    "Ontology": "alignkg.model.ontology",
    "QueryResult": "alignkg.stores.result",
    "QuoteReport": "alignkg.checks.quotes",
    "Report": "alignkg.views.report",
    "ReviewConfig": "alignkg.endpoint.review",
    "ReviewServer": "alignkg.endpoint.review",
    "Severity": "alignkg.checks.findings",
    "SiteSummary": "alignkg.views.site",
    "Store": "alignkg.stores.base",
    "StoreStats": "alignkg.stores.base",
    "Tables": "alignkg.model.tables",
    "ValidationError": "alignkg.checks.findings",
    "ValidationReport": "alignkg.checks.findings",
    "alignment_chains": "alignkg.analysis.chains",
    "alignment_metrics": "alignkg.analysis.metrics",
    "build": "alignkg.builder.build",
    "build_graph": "alignkg.builder.build",
    "centrality": "alignkg.analysis.network",
    "create_app": "alignkg.endpoint.server",
    "create_review_app": "alignkg.endpoint.review",
    "directive_cascade": "alignkg.analysis.cascade",
    "entailments": "alignkg.checks.inference",
    "export_graph": "alignkg.views.export",
    "find_node": "alignkg.analysis.network",
    "get_query": "alignkg.queries.named",
    "infer": "alignkg.checks.inference",
    "load_dataset": "alignkg.stores.memory",
    "load_ontology": "alignkg.model.ontology",
    "load_review": "alignkg.ingest.review",
    "open_store": "alignkg.stores.spec",
    "push": "alignkg.stores.sparql",
    "query": "alignkg.queries.named",
    "read_tables": "alignkg.model.tables",
    "render_docs": "alignkg.views.documentation",
    "render_report": "alignkg.views.report",
    "render_view": "alignkg.views.view",
    "run_query": "alignkg.queries.named",
    "save_review": "alignkg.ingest.review",
    "serialize": "alignkg.model.serialize",
    "serve": "alignkg.endpoint.server",
    "serve_review": "alignkg.endpoint.review",
    "shipped_queries": "alignkg.queries.named",
    "shortest_paths": "alignkg.analysis.network",
    "to_networkx": "alignkg.views.projection",
    "validate": "alignkg.checks.validation",
    "validate_graph": "alignkg.checks.validation",
    "verify_quotes": "alignkg.checks.quotes",
    "write_docs": "alignkg.views.documentation",
    "write_report": "alignkg.views.report",
    "write_site": "alignkg.views.site",
    "write_view": "alignkg.views.view",
}

__all__ = [
    "AlignkgError",
    "BuildReport",
    "BuiltGraph",
    "DataError",
    "EndpointConfig",
    "ExportFormat",
    "Finding",
    "Format",
    "Location",
    "NamedQuery",
    "Ontology",
    "QueryResult",
    "QuoteReport",
    "Report",
    "ReviewConfig",
    "ReviewServer",
    "Severity",
    "SiteSummary",
    "Store",
    "StoreStats",
    "Tables",
    "ValidationError",
    "ValidationReport",
    "__version__",
    "alignment_chains",
    "alignment_metrics",
    "build",
    "build_graph",
    "centrality",
    "create_app",
    "create_review_app",
    "directive_cascade",
    "entailments",
    "export_graph",
    "find_node",
    "get_query",
    "infer",
    "load_dataset",
    "load_ontology",
    "load_review",
    "open_store",
    "push",
    "query",
    "read_tables",
    "render_docs",
    "render_report",
    "render_view",
    "run_query",
    "save_review",
    "serialize",
    "serve",
    "serve_review",
    "shipped_queries",
    "shortest_paths",
    "to_networkx",
    "validate",
    "validate_graph",
    "verify_quotes",
    "write_docs",
    "write_report",
    "write_site",
    "write_view",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'alignkg' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
