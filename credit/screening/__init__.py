"""Exhibitor screening (展会企业入驻核查): lists in, verdicts per row, signed reports out.

- `inputs` — CSV / XLSX / pasted lines read in memory (or streamed, for the CLI).
- `names` — similar names: region, core, organization form and branch compared apart.
- `matching` — one row → verdict, basis, score, reason; many rows concurrently.
- `reports` — the report model and its signed CSV and XLSX files.
- `signing` — the Ed25519 key pair and the seal of a report file.

Uploaded lists are processed in memory and never stored or logged.
"""
