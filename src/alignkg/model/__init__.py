"""The data model: errors, RDF terms and prefixes, the ontology, the curated tables and the graph
built from them, and the files alignkg writes. Every other layer builds on this one."""
