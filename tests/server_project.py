"""A small project for the language server's tests: a registry with a module moved as a pure
move, a module replaced by one with other methods, a renamed name, a canonical class and a legacy
parameter, and the modules they name."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Optional

REGISTRY = """
[flake8]
ssot-forbidden-modules =
    app.legacy = app.core [pure-move] ; moved
    app.queue_handler = app.handlers ; different methods
ssot-forbidden-names =
    app.models.OldUser = app.users.User
ssot-canonical-classes =
    UserMessageHandler = app.handlers
ssot-legacy-parameters =
    *Handler = supervisor
"""

MODULES = {
    "app/__init__.py": "",
    "app/core.py": "class Thing:\n    pass\n",
    "app/legacy.py": "class Thing:\n    pass\n",
    "app/handlers.py": "class UserMessageHandler:\n    pass\n",
    "app/queue_handler.py": "class QueueHandler:\n    pass\n",
    "app/models.py": "class OldUser:\n    pass\n",
    "app/users.py": "class User:\n    pass\n",
    "app/services/__init__.py": "",
    "app/consumers.py": "from app.core import Thing\n",
}


def write_project(root: Path, registry: str = REGISTRY, modules: Optional[Dict[str, str]] = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "setup.cfg").write_text(registry.lstrip(), encoding="utf-8")
    for name, text in (MODULES if modules is None else modules).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
