"""Building the graph: curated tables checked, validated and written as RDF files, and synthetic
graphs shaped like the real data for benchmarks."""
