"""The ``alignkg`` command line: each command is one library call plus formatting of its result."""

from alignkg.cli import analysis, graph, ingest, query, serve, stores, views
from alignkg.cli.app import app

__all__ = ["analysis", "app", "graph", "ingest", "main", "query", "serve", "stores", "views"]


def main() -> None:
    """Entry point of the ``alignkg`` console script."""
    app()
