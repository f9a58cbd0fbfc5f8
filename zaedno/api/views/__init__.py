"""REST API v1 views: thin wrappers over the services (writes) and the queries (reads)."""
