"""The ``flake8-ssot`` command: project-wide checks with the same engine and registry as the plugin.

``check`` lints a tree (text, json, sarif and github output, baseline, cache, parallel workers),
``duplicates`` finds class names defined in several modules (SOT303), ``baseline`` records the
current findings so that only new ones are reported.  Only :mod:`flake8_ssot.cli.main` knows
argparse; the other modules are small and independent of each other's concerns.
"""
