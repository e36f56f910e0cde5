"""alignkg: knowledge graphs of state-owned enterprises and the national directives they follow.

The Python API mirrors the command line: build the graph from curated tables, query it into
pandas, project it into networkx and write a shareable HTML view.
"""

from alignkg.analysis import centrality, find_node, shortest_paths
from alignkg.build import BuildReport, build, build_graph
from alignkg.chains import alignment_chains, alignment_metrics
from alignkg.documentation import render_docs, write_docs
from alignkg.errors import AlignkgError, DataError, Location
from alignkg.export import ExportFormat, export_graph
from alignkg.graph import BuiltGraph
from alignkg.inference import entailments, infer
from alignkg.ontology import Ontology, load_ontology
from alignkg.projection import to_networkx
from alignkg.query import NamedQuery, QueryResult, get_query, query, run_query, shipped_queries
from alignkg.remote import push
from alignkg.report import Report, render_report, write_report
from alignkg.serialize import Format, serialize
from alignkg.server import EndpointConfig, create_app, serve
from alignkg.store import Store, StoreStats, load_dataset, open_store
from alignkg.tables import Tables, read_tables
from alignkg.validation import Finding, Severity, ValidationError, ValidationReport, validate, validate_graph
from alignkg.view import render_view, write_view

__version__ = "0.1.0"

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
    "Report",
    "Severity",
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
    "entailments",
    "export_graph",
    "find_node",
    "get_query",
    "infer",
    "load_dataset",
    "load_ontology",
    "open_store",
    "push",
    "query",
    "read_tables",
    "render_docs",
    "render_report",
    "render_view",
    "run_query",
    "serialize",
    "serve",
    "shipped_queries",
    "shortest_paths",
    "to_networkx",
    "validate",
    "validate_graph",
    "write_docs",
    "write_report",
    "write_view",
]
