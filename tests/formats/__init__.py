"""Tests of the report formats; `canned`, `golden` and `schema_check` are shared helpers."""
