"""``python -m flake8_ssot``: the ``flake8-ssot`` command."""

from __future__ import annotations

from flake8_ssot.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
