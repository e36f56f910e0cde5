"""What researchers share: the networkx projection, the interactive HTML view, network exports, the
alignment report and the ontology documentation."""
