"""Park Ledger's HTTP API (FastAPI): routers by resource, schemas, dependencies, error mapping."""
