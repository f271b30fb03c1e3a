"""Benchmarks of ipcredit: `python -m bench NAME [--records N] [--no-record]`.

Each benchmark prints its figures as JSON lines on stdout and, unless
`--no-record` is given, appends them to `bench/RESULTS.md`.
"""
