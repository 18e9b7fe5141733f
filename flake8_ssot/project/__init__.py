"""Project analysis: what the command line and the flake8 report formatters share.

Source reading and the per-file pipeline (read, decode, prefilter, parse, check, facts), ``noqa``,
baselines, the result cache, the runner that checks many files, class-name duplicates across
modules, report assembly and the report formats.  Nothing here parses arguments or knows flake8.
"""
