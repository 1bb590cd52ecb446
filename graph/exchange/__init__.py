"""Sharing with partner agencies under written agreements.

- `agreements`: the agreements as data (who may ask whom for what, until when);
- `lookups`: hit/no-hit answers to a partner's `/v1/match`;
- `statistics`: the memorandum's table of seizures about the other side, with small
  cells suppressed;
- `requests`: detailed requests about one seizure, under a quota per period, decided
  by the holding agency (an approval releases that one record).
"""
