"""Analyses of the graph: alignment chains from directives to measures, per-enterprise metrics and
network measures (centrality, shortest paths with evidence)."""
