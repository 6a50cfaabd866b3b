"""The web dashboard: static pages that read the public API (docs/dashboard.md)."""
