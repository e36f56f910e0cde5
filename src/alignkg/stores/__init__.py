"""Where the graph lives: one Store interface in front of rdflib (``memory``), Oxigraph
(``oxigraph``, ``oxigraph:PATH``) and any SPARQL 1.1 endpoint (``sparql:URL``), and query answers."""
