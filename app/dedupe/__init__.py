"""Duplicate customers: find the records that are probably one person, merge them, undo a
merge. Pure Python, no Qt (import-linter contract in pyproject.toml).

* :mod:`app.dedupe.keys` — how names, phones, e-mail addresses, postal codes and streets are
  normalised before they are compared;
* :mod:`app.dedupe.detect` — blocking (same mobile, same e-mail, same VIN, same postal code and
  the start of a name) then scoring with RapidFuzz: :func:`find_duplicates`;
* :mod:`app.dedupe.merge` — :func:`merge_customers` and :func:`undo_merge`, each in one
  transaction, and :func:`past_merges`.
"""
