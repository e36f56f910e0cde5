"""The read-only SPARQL 1.1 endpoint: the HTTP server, its query workers, the engine they run, the
guard that refuses what a public endpoint must not do, and result media types."""
