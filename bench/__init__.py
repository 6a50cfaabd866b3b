"""Benchmarks and the gas snapshot (`make gas`, `make bench`; never inside `make test`)."""
