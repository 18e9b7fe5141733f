"""A deterministic, seeded source tree shaped like a large application, for the benchmarks.

The tree is one top-level package ``app`` (nested domain packages whose ``__init__`` files
re-export their modules' classes, a shared ``app.services`` layer, the ``app.websocket_core``
package holding the canonical ``UserMessageHandler``), and a ``tests`` package whose modules
patch their targets with ``mock.patch`` strings.  Into it a legacy module,
``app.services.websocket.message_handler``, is seeded and referenced in every form flake8-ssot
detects: imports of all forms (absolute, aliased, relative, conditional, inside functions),
attribute chains, ``mock.patch`` / ``importlib`` / ``sys.modules`` / ``monkeypatch`` strings,
constructor calls passing legacy parameters, legacy ``__init__`` parameters, redefinitions and
rebindings of the canonical class, re-exports through ``__init__``, and module-level class
names defined in several modules.

Like a real application's, every ordinary module imports from its own top-level package with
absolute imports (``from app.core.config import settings``, its domain's earlier layers), and
every domain has a layer of ``...EventHandler`` classes: what a text prefilter keyed on the
package name or on ``Handler`` meets in real code.

Each reference is one small template; a host module receives one to six of them, all of
different templates, written so that they never interact (unique names, no shared bindings).  Each
template says exactly which findings it yields and :class:`Corpus` adds them up, so a harness can
print "found / expected" per code.  Everything else in the tree is
ordinary code that yields nothing.  The same ``files`` and ``seed`` always produce byte-identical
files.

    python benchmarks/generate_tree.py --files 10000 --seed 0 [--output DIR]

writes the tree (to a new temporary directory unless ``--output`` is given) and prints its root
and the expected findings per code as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

LEGACY_MODULE = "app.services.websocket.message_handler"
CANONICAL_MODULE = "app.websocket_core.handlers"
LEGACY_NAME = "app.websocket_core.unified_manager.UnifiedWebSocketManager"
LEGACY_NAME_REPLACEMENT = "app.websocket_core.websocket_manager.WebSocketManager"

# The registry every tool is given, as flake8-ssot reads it.  ``{duplicates}`` and ``{resolve}``
# are filled in by :meth:`Corpus.setup_cfg`.
SSOT_SETTINGS = f"""\
ssot-forbidden-modules =
    {LEGACY_MODULE} = {CANONICAL_MODULE} ; queue-based, bypasses the agent factory
ssot-forbidden-names =
    {LEGACY_NAME} = {LEGACY_NAME_REPLACEMENT}
ssot-canonical-classes =
    UserMessageHandler = {CANONICAL_MODULE}
ssot-legacy-parameters =
    *Handler = supervisor, db_session_factory
"""
# The same bans for flake8-tidy-imports (I251) and Ruff (TID251): they can express only the
# forbidden module (with its submodules) and the forbidden name.
TIDY_IMPORTS_SETTINGS = f"""\
banned-modules =
    {LEGACY_MODULE}.* = use {CANONICAL_MODULE}
    {LEGACY_NAME} = use {LEGACY_NAME_REPLACEMENT}
"""
RUFF_SETTINGS = f"""\
[lint.flake8-tidy-imports.banned-api]
"{LEGACY_MODULE}".msg = "use {CANONICAL_MODULE}"
"{LEGACY_NAME}".msg = "use {LEGACY_NAME_REPLACEMENT}"
"""

CODES = ("SOT101", "SOT102", "SOT103", "SOT104", "SOT105", "SOT201", "SOT202", "SOT301", "SOT302", "SOT303")


# --------------------------------------------------------------------------------------------
# Reference templates.  ``{n}`` is the reference's number (unique names).  ``counts`` are the
# findings with cross-file resolution on; ``unresolved`` overrides them with resolution off.
# ``host``: "app" (an ordinary application module), "test" (a test module, which imports
# ``mock``), "services" (a module of ``app.services``: relative imports reach the legacy
# module) or "websocket_core" (a module of ``app.websocket_core``).  ``top`` goes at module
# level after the imports, ``body`` at the end of the module.


@dataclass(frozen=True)
class Template:
    name: str
    host: str
    counts: Mapping[str, int]
    body: str
    top: str = ""
    unresolved: Optional[Mapping[str, int]] = None

    def expected(self, resolve: bool) -> Mapping[str, int]:
        if not resolve and self.unresolved is not None:
            return self.unresolved
        return self.counts


TEMPLATES: Tuple[Template, ...] = (
    # SOT101: imports of the legacy module, in every form.
    Template(
        "import",
        "app",
        {"SOT101": 1},
        """
def _legacy_module_{n}():
    import app.services.websocket.message_handler

    return None
""",
    ),
    Template(
        "import-as",
        "app",
        {"SOT101": 1},
        """
def _legacy_module_{n}():
    import app.services.websocket.message_handler as legacy_handlers_{n}

    return legacy_handlers_{n}.UserMessageHandler
""",
    ),
    Template(
        "from-import",
        "app",
        {"SOT101": 1},
        """
def _legacy_handler_{n}():
    from app.services.websocket.message_handler import QueueHandler

    return QueueHandler
""",
    ),
    Template(
        "from-package-import",
        "app",
        {"SOT101": 1},
        """
def _legacy_module_{n}():
    from app.services.websocket import message_handler

    return message_handler
""",
    ),
    Template(
        "star-import",
        "app",
        {"SOT101": 1},
        "",
        top="from app.services.websocket.message_handler import *  # noqa: F401,F403\n",
    ),
    Template(
        "conditional-import",
        "app",
        {"SOT101": 1},
        "",
        top="""
try:
    from app.services.websocket.message_handler import QueueHandler as _LegacyQueueHandler
except ImportError:  # pragma: no cover
    _LegacyQueueHandler = None
""",
    ),
    Template(
        "relative-import",
        "services",
        {"SOT101": 1},
        """
def _legacy_handler_{n}():
    from .websocket.message_handler import QueueHandler

    return QueueHandler
""",
    ),
    Template(
        "relative-package-import",
        "services",
        {"SOT101": 1},
        """
def _legacy_module_{n}():
    from .websocket import message_handler

    return message_handler.DEFAULT_TIMEOUT
""",
    ),
    # SOT102: imports of the legacy name.
    Template(
        "name-import",
        "app",
        {"SOT102": 1},
        """
def _legacy_manager_{n}():
    from app.websocket_core.unified_manager import UnifiedWebSocketManager

    return UnifiedWebSocketManager()
""",
    ),
    Template(
        "name-import-as",
        "app",
        {"SOT102": 1},
        """
def _legacy_manager_{n}():
    from app.websocket_core.unified_manager import UnifiedWebSocketManager as ConnectionManager{n}

    return ConnectionManager{n}()
""",
    ),
    Template(
        "name-relative-import",
        "websocket_core",
        {"SOT102": 1},
        """
def _legacy_manager_{n}():
    from .unified_manager import UnifiedWebSocketManager

    return UnifiedWebSocketManager
""",
    ),
    # SOT103: strings naming the legacy module or name.
    Template(
        "mock-patch-decorator",
        "test",
        {"SOT103": 1},
        """
@mock.patch("app.services.websocket.message_handler.UserMessageHandler.handle")
def test_legacy_routing_{n}(handle):
    assert handle is not None
""",
    ),
    Template(
        "mock-patch-context",
        "test",
        {"SOT103": 1},
        """
def test_legacy_manager_{n}():
    with mock.patch("app.websocket_core.unified_manager.UnifiedWebSocketManager") as manager:
        assert manager is not None
""",
    ),
    Template(
        "mocker-patch",
        "test",
        {"SOT103": 1},
        """
def test_legacy_queue_{n}(mocker):
    queue = mocker.patch("app.services.websocket.message_handler.QueueHandler")
    assert queue is not None
""",
    ),
    Template(
        "monkeypatch-setattr",
        "test",
        {"SOT103": 1},
        """
def test_legacy_timeout_{n}(monkeypatch):
    monkeypatch.setattr("app.services.websocket.message_handler.DEFAULT_TIMEOUT", 1)
""",
    ),
    Template(
        "patch-dict-sys-modules",
        "test",
        {"SOT103": 1},
        """
def test_legacy_absent_{n}():
    import sys

    with mock.patch.dict(sys.modules, {{"app.services.websocket.message_handler": None}}):
        assert True
""",
    ),
    Template(
        "importlib",
        "app",
        {"SOT103": 1},
        """
def _load_legacy_{n}():
    import importlib

    return importlib.import_module("app.services.websocket.message_handler")
""",
    ),
    Template(
        "sys-modules",
        "app",
        {"SOT103": 1},
        """
def _legacy_loaded_{n}():
    import sys

    return "app.services.websocket.message_handler" in sys.modules
""",
    ),
    # SOT104: attribute chains through an imported parent.
    Template(
        "chain-module",
        "app",
        {"SOT104": 1},
        """
def _legacy_chain_{n}():
    import app.services

    return app.services.websocket.message_handler.UserMessageHandler
""",
    ),
    Template(
        "chain-name",
        "app",
        {"SOT104": 1},
        """
def _legacy_manager_chain_{n}():
    from app.websocket_core import unified_manager

    return unified_manager.UnifiedWebSocketManager()
""",
    ),
    # SOT105: names reaching the legacy module or name through ``__init__`` re-exports.
    Template(
        "reexported-import",
        "app",
        {"SOT105": 1},
        """
def _reexported_handler_{n}():
    from app.services import LegacyUserMessageHandler

    return LegacyUserMessageHandler
""",
        unresolved={},
    ),
    Template(
        "reexported-name",
        "app",
        {"SOT105": 1},
        """
def _reexported_manager_{n}():
    from app.websocket_core import UnifiedWebSocketManager

    return UnifiedWebSocketManager
""",
        unresolved={},
    ),
    Template(
        "reexported-chain",
        "app",
        {"SOT105": 1},
        """
def _reexported_chain_{n}():
    import app.services

    return app.services.LegacyUserMessageHandler
""",
        unresolved={},
    ),
    # SOT201: legacy parameters in ``__init__`` or dataclass fields.
    Template(
        "init-parameter",
        "app",
        {"SOT201": 1},
        """
class Relay{n}Handler:
    def __init__(self, supervisor, channel=None):
        self.supervisor = supervisor
        self.channel = channel
""",
    ),
    Template(
        "init-keyword-only",
        "app",
        {"SOT201": 2},
        """
class Session{n}Handler:
    def __init__(self, *, db_session_factory, supervisor=None):
        self.db_session_factory = db_session_factory
        self.supervisor = supervisor
""",
    ),
    Template(
        "dataclass-field",
        "app",
        {"SOT201": 1},
        """
@dataclass
class Audit{n}Handler:
    supervisor: object
    retries: int = 3
""",
    ),
    # SOT202: calls passing legacy parameters.
    Template(
        "call-keyword",
        "app",
        {"SOT202": 2},
        """
def _build_handler_{n}(supervisor, factory):
    from app.websocket_core.handlers import UserMessageHandler

    return UserMessageHandler(supervisor, db_session_factory=factory)
""",
    ),
    Template(
        "call-self-attribute",
        "app",
        {"SOT202": 1},
        """
class Dispatcher{n}:
    def __init__(self, supervisor):
        self.supervisor = supervisor

    def handler(self):
        return OrderEventHandler(self.supervisor)
""",
    ),
    Template(
        "call-double-star",
        "app",
        {"SOT202": 1},
        """
def _notification_handler_{n}(factory):
    return NotificationHandler(**{{"db_session_factory": factory}})
""",
    ),
    Template(
        "call-test-doubles",
        "test",
        {"SOT202": 2},
        """
def test_payment_handler_{n}():
    mock_supervisor = mock.Mock()
    fake_db_session_factory = mock.Mock()
    assert PaymentHandler(mock_supervisor, fake_db_session_factory) is not None
""",
    ),
    Template(
        "call-positional-resolved",
        "app",
        {"SOT202": 2},
        """
def _bridge_{n}(session_factory):
    from app.agents.bridge import BridgeHandler

    return BridgeHandler(make_supervisor(), session_factory)
""",
        unresolved={},
    ),
    # SOT301 / SOT302: the canonical class defined or bound elsewhere.
    Template(
        "class-redefined",
        "test",
        {"SOT301": 1},
        """
class UserMessageHandler:
    def handle(self, message):
        return message
""",
    ),
    Template(
        "nested-class-redefined",
        "app",
        {"SOT301": 1},
        """
def _handler_double_{n}():
    class UserMessageHandler:
        pass

    return UserMessageHandler
""",
    ),
    Template(
        "import-alias-rebound",
        "app",
        {"SOT302": 1},
        """
def _aliased_handler_{n}():
    from app.services.email import EmailService as UserMessageHandler

    return UserMessageHandler
""",
    ),
    Template(
        "assignment-rebound",
        "app",
        {"SOT302": 1},
        """
def _rebound_handler_{n}(router):
    UserMessageHandler = router
    return UserMessageHandler
""",
    ),
    Template(
        "function-rebound",
        "app",
        {"SOT302": 1},
        """
def UserMessageHandler(*args):
    return args
""",
    ),
)

# SOT303: module-level class names defined in several (non-test) modules, in groups of 2 or 3.
DUPLICATE_NAMES = ("MessageRouter", "RetryPolicy", "EventEnvelope", "ConnectionPool", "RateLimiter", "AuditTrail")
DUPLICATE_BODY = """
class {name}:
    \"\"\"A second home for a class name another module also defines.\"\"\"

    def __init__(self, limit=10):
        self.limit = limit
"""

# Fixed files: the legacy module, the canonical one, and the re-exporting packages.
FIXED_FILES: Dict[str, Tuple[str, Mapping[str, int], Mapping[str, int]]] = {
    # path: (text, findings with resolution, findings without)
    "app/__init__.py": ('"""The application."""\n\n__version__ = "1.0.0"\n', {}, {}),
    # What every ordinary module imports from its own top-level package.
    "app/core/__init__.py": ('"""Shared infrastructure."""\n', {}, {}),
    "app/core/config.py": (
        '''"""Settings every module reads."""


class Settings:
    debug = False
    page_size = 50


settings = Settings()
''',
        {},
        {},
    ),
    "app/services/__init__.py": (
        '''"""Shared services, re-exported for convenience."""

from .email import EmailService
from .websocket.message_handler import UserMessageHandler as LegacyUserMessageHandler

__all__ = ["EmailService", "LegacyUserMessageHandler"]
''',
        {"SOT101": 1},
        {"SOT101": 1},
    ),
    "app/services/email.py": (
        '''"""Outgoing mail."""

from __future__ import annotations

from typing import List


class EmailService:
    def __init__(self, sender: str = "noreply@example.com") -> None:
        self.sender = sender
        self.outbox: List[str] = []

    def send(self, to: str, body: str) -> None:
        self.outbox.append(f"{self.sender} -> {to}: {body}")
''',
        {},
        {},
    ),
    "app/services/websocket/__init__.py": ('"""WebSocket plumbing (legacy)."""\n', {}, {}),
    "app/services/websocket/message_handler.py": (
        '''"""The legacy, queue-based message handler."""

from __future__ import annotations

import queue
from typing import Any, Callable

DEFAULT_TIMEOUT = 30


class QueueHandler:
    def __init__(self, supervisor: Any) -> None:
        self.supervisor = supervisor
        self.queue: "queue.Queue[Any]" = queue.Queue()


class UserMessageHandler:
    def __init__(self, supervisor: Any, db_session_factory: Callable[[], Any]) -> None:
        self.supervisor = supervisor
        self.db_session_factory = db_session_factory

    def handle(self, message: Any) -> Any:
        return self.supervisor.route(message, self.db_session_factory())
''',
        {"SOT201": 3, "SOT301": 1},
        {"SOT201": 3, "SOT301": 1},
    ),
    "app/websocket_core/__init__.py": (
        '''"""WebSocket core: the canonical handler and manager."""

from .handlers import UserMessageHandler
from .unified_manager import UnifiedWebSocketManager
from .websocket_manager import WebSocketManager

__all__ = ["UnifiedWebSocketManager", "UserMessageHandler", "WebSocketManager"]
''',
        {"SOT102": 1},
        {"SOT102": 1},
    ),
    "app/websocket_core/handlers.py": (
        '''"""The canonical message handler."""

from __future__ import annotations

from typing import Any, List


class UserMessageHandler:
    def __init__(self) -> None:
        self.handled: List[Any] = []

    def handle(self, message: Any) -> Any:
        self.handled.append(message)
        return message
''',
        {},
        {},
    ),
    "app/websocket_core/unified_manager.py": (
        '''"""The legacy connection manager."""


class UnifiedWebSocketManager:
    def __init__(self) -> None:
        self.connections = {}
''',
        {},
        {},
    ),
    "app/websocket_core/websocket_manager.py": (
        '''"""The canonical connection manager."""


class WebSocketManager:
    def __init__(self) -> None:
        self.connections = {}
''',
        {},
        {},
    ),
    "app/agents/__init__.py": ('"""Agents."""\n', {}, {}),
    "app/agents/bridge.py": (
        '''"""A handler that still takes the supervisor and a session factory."""


class BridgeHandler:
    def __init__(self, supervisor, db_session_factory):
        self.supervisor = supervisor
        self.db_session_factory = db_session_factory
''',
        {"SOT201": 2},
        {"SOT201": 2},
    ),
    "tests/__init__.py": ("", {}, {}),
}

DOMAINS = (
    "orders", "billing", "accounts", "inventory", "shipping", "payments", "notifications", "analytics",
    "reports", "search", "catalog", "pricing", "auth", "sessions", "messaging", "chat", "workflows",
    "scheduling", "documents", "media", "profiles", "teams", "projects", "tickets", "audit", "exports",
    "imports", "webhooks", "integrations", "subscriptions", "invoices", "refunds", "ledger", "tax",
    "customers", "vendors", "contracts", "warehouses", "returns", "promotions",
)  # fmt: skip
LAYERS = ("models", "schemas", "repositories", "services", "api", "tasks", "handlers", "utils")
NOUNS = (
    "item", "record", "entry", "batch", "event", "request", "response", "summary", "rule", "policy",
    "window", "quota", "snapshot", "digest", "cursor", "token", "profile", "setting", "template", "job",
    "report", "export", "filter", "index", "metric", "alert", "comment", "attachment", "tag", "note",
)  # fmt: skip
ROLE = {
    "models": "Model",
    "schemas": "Schema",
    "repositories": "Repository",
    "services": "Service",
    "api": "View",
    "tasks": "Task",
    "handlers": "EventHandler",
    "utils": "Helper",
}
MODULES_PER_LAYER = (6, 14)
TEST_SHARE = 0.3  # of a domain's modules have a test module
CLUSTER = (1, 6)  # references per host module: a module that uses the legacy code tends to do so repeatedly


def camel(snake: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_"))


@dataclass
class Module:
    """One planned ordinary module."""

    path: str
    dotted: str
    kind: str  # "app", "services", "websocket_core", "test", "init"
    classes: List[str] = field(default_factory=list)
    imports: List[Tuple[str, str]] = field(default_factory=list)  # (module, name)
    subject: Optional["Module"] = None  # what a test module tests
    exports: List[Tuple[str, str]] = field(default_factory=list)  # __init__: (submodule, name)
    reference: Optional[str] = None  # text of the seeded reference, if any


@dataclass
class Corpus:
    """A generated tree, and what flake8-ssot must report in it."""

    root: str
    files: int
    seed: int
    references: Dict[str, int]  # template name -> how many were placed
    _expected: Dict[Tuple[bool, bool], Dict[str, int]]

    def expected(self, resolve: bool = True, duplicates: bool = False) -> Dict[str, int]:
        """Findings per code for a registry with ``ssot-resolve`` / ``ssot-report-duplicates``."""
        return dict(self._expected[(resolve, duplicates)])

    def setup_cfg(self, resolve: bool = True, duplicates: bool = False, tidy_imports: bool = True) -> str:
        text = "[flake8]\n" + SSOT_SETTINGS
        text += f"ssot-resolve = {'true' if resolve else 'false'}\n"
        text += f"ssot-report-duplicates = {'true' if duplicates else 'false'}\n"
        if tidy_imports:
            text += TIDY_IMPORTS_SETTINGS
        return text

    def write_config(self, resolve: bool = True, duplicates: bool = False) -> None:
        """(Re)write ``setup.cfg`` (flake8, flake8-ssot, flake8-tidy-imports) and ``ruff.toml``."""
        _write(os.path.join(self.root, "setup.cfg"), self.setup_cfg(resolve, duplicates))
        _write(os.path.join(self.root, "ruff.toml"), RUFF_SETTINGS)


def _write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def reference_plan(files: int) -> List[Tuple[Template, int]]:
    """How many references of each template: at least one, about ``files / 50`` per code."""
    per_code = max(1, files // 50)
    by_code: Dict[str, List[Template]] = {}
    for template in TEMPLATES:
        code = next(iter(template.counts))
        by_code.setdefault(code, []).append(template)
    plan: List[Tuple[Template, int]] = []
    for templates in by_code.values():
        share = max(1, per_code // len(templates))
        plan.extend((template, share) for template in templates)
    return plan


def duplicate_groups(files: int) -> List[Tuple[str, int]]:
    """(class name, how many modules define it): about ``files / 50`` definitions in all."""
    wanted = max(2, files // 50)
    groups: List[Tuple[str, int]] = []
    total = 0
    index = 0
    while total < wanted:
        base = DUPLICATE_NAMES[index % len(DUPLICATE_NAMES)]
        suffix = index // len(DUPLICATE_NAMES)
        size = 2 if index % 3 else 3
        groups.append((f"{base}{suffix or ''}", size))
        total += size
        index += 1
    return groups


class _Planner:
    def __init__(self, files: int, seed: int) -> None:
        self.files = files
        self.rng = random.Random(seed)
        self.modules: List[Module] = []
        self.count = len(FIXED_FILES)
        self.class_names: Dict[str, int] = {}

    def unique_class(self, name: str) -> str:
        seen = self.class_names.get(name, 0)
        self.class_names[name] = seen + 1
        return name if not seen else f"{name}{seen + 1}"

    def add(self, module: Module) -> bool:
        if self.count >= self.files:
            return False
        self.modules.append(module)
        self.count += 1
        return True

    def plan(self, special: Mapping[str, int]) -> List[Module]:
        rng = self.rng
        # Modules of app.services and app.websocket_core that host relative-import references.
        for package, kind in (("services", "services"), ("websocket_core", "websocket_core")):
            for number in range(special.get(kind, 0) + 2):
                stem = f"{rng.choice(NOUNS)}_{'gateway' if kind == 'services' else 'adapter'}_{number}"
                dotted = f"app.{package}.{stem}"
                module = Module(f"app/{package}/{stem}.py", dotted, kind)
                module.classes.append(self.unique_class(camel(stem)))
                if not self.add(module):
                    raise ValueError(f"{self.files} files are too few for the seeded references")
        cycle = 0
        while self.count < self.files:
            for domain in DOMAINS:
                name = domain if cycle == 0 else f"{domain}{cycle + 1}"
                if not self._domain(name):
                    return self.modules
            cycle += 1
        return self.modules

    def _domain(self, domain: str) -> bool:
        rng = self.rng
        init = Module(f"app/{domain}/__init__.py", f"app.{domain}", "init")
        if not self.add(init):
            return False
        tested: List[Module] = []
        layers: Dict[str, List[Module]] = {}
        for layer in LAYERS:
            layer_init = Module(f"app/{domain}/{layer}/__init__.py", f"app.{domain}.{layer}", "init")
            if not self.add(layer_init):
                return False
            members = layers[layer] = []
            for number in range(rng.randint(*MODULES_PER_LAYER)):
                noun = rng.choice(NOUNS)
                stem = f"{domain.rstrip('0123456789').rstrip('s')}_{noun}_{layer.rstrip('s')}_{number}"
                module = Module(f"app/{domain}/{layer}/{stem}.py", f"app.{domain}.{layer}.{stem}", "app")
                base = camel(f"{domain}_{noun}")
                for _ in range(rng.randint(1, 3)):
                    module.classes.append(self.unique_class(base + ROLE[layer]))
                    base = camel(f"{domain}_{noun}_{rng.choice(NOUNS)}")
                # Imports from earlier layers, absolute as real applications write them: through
                # the layer's package, or from the module itself.
                for earlier in list(layers)[-3:]:
                    if layers[earlier] and rng.random() < 0.6:
                        source = rng.choice(layers[earlier])
                        if rng.random() < 0.5:
                            module.imports.append((f"app.{domain}.{earlier}", source.classes[0]))
                        else:
                            module.imports.append((source.dotted, source.classes[0]))
                if rng.random() < 0.08:
                    module.imports.append(("app.services", "EmailService"))
                if rng.random() < 0.04:
                    module.imports.append(("app.websocket_core", "WebSocketManager"))
                if rng.random() < 0.04:
                    module.imports.append(("app.websocket_core.handlers", "UserMessageHandler"))
                if not self.add(module):
                    return False
                members.append(module)
                layer_init.exports.append((stem, module.classes[0]))
                init.exports = [(name, found[0].classes[0]) for name, found in layers.items() if found][:3]
                if rng.random() < TEST_SHARE:
                    if not tested and not self.add(Module(f"tests/{domain}/__init__.py", f"tests.{domain}", "init")):
                        return False
                    test_stem = "test_" + stem
                    test = Module(
                        f"tests/{domain}/{test_stem}.py", f"tests.{domain}.{test_stem}", "test", subject=module
                    )
                    if not self.add(test):
                        return False
                    tested.append(test)
        return True


# --------------------------------------------------------------------------------------------
# Ordinary code.

STATEMENTS = (
    "if {arg} is None:\n        return None",
    "values = [item for item in self._items if item is not None]",
    "total = sum(len(str(value)) for value in self._items)",
    "logger.debug(\"%s: %d items\", type(self).__name__, len(self._items))",
    "self._items.append({arg})",
    "key = f\"{{type(self).__name__}}:{{{arg}!r}}\"",
    "result = {{\"id\": {arg}, \"count\": len(self._items), \"limit\": self.config.limit}}",
    "try:\n        self._cache[str({arg})] = {arg}\n"
    "    except (TypeError, ValueError) as error:\n        logger.warning(\"cannot cache: %s\", error)",
    "for index, item in enumerate(self._items):\n        if index >= self.config.limit:\n            break",
    "while len(self._items) > self.config.limit:\n        self._items.pop(0)",
    "data = dict(self._cache)\n    data.update({{\"last\": {arg}}})",
    "with self._lock:\n        self._version += 1",
)  # fmt: skip
VERBS = ("load", "save", "refresh", "validate", "publish", "collect", "apply", "merge", "resolve", "render")


def _method(rng: random.Random, name: str) -> str:
    arg = rng.choice(("value", "key", "payload", "record", "item_id"))
    lines = [f"    def {name}(self, {arg}: Any = None) -> Any:"]
    if rng.random() < 0.4:
        lines.append(f'        """{name.replace("_", " ").capitalize()} one {arg.replace("_", " ")}."""')
    for _ in range(rng.randint(2, 6)):
        statement = rng.choice(STATEMENTS).format(arg=arg)
        lines.append("        " + statement.replace("\n    ", "\n        "))
    lines.append(f"        return {arg}")
    return "\n".join(lines)


def _class(rng: random.Random, name: str, role_is_handler: bool) -> str:
    config = f"{name}Config"
    head = [
        "@dataclass",
        f"class {config}:",
        "    limit: int = DEFAULT_LIMIT",
        "    tags: List[str] = field(default_factory=list)",
        "",
        "",
        f"class {name}:",
        f'    """{name}: {rng.choice(VERBS)}s {rng.choice(NOUNS)}s for its domain."""',
        "",
    ]
    if role_is_handler:
        head.append(f"    def __init__(self, queue: Any, config: Optional[{config}] = None, **options: Any) -> None:")
        head.append("        self.queue = queue")
        head.append("        self.options = options")
    else:
        head.append(f"    def __init__(self, repository: Any = None, config: Optional[{config}] = None) -> None:")
        head.append("        self.repository = repository")
    head.extend(
        [
            f"        self.config = config or {config}()",
            "        self._items: List[Any] = []",
            "        self._cache: Dict[str, Any] = {}",
            "        self._lock = threading.Lock()",
            "        self._version = 0",
        ]
    )
    methods = [_method(rng, f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}") for _ in range(rng.randint(3, 7))]
    return "\n".join(head) + "\n\n" + "\n\n".join(methods) + "\n"


def _function(rng: random.Random, classes: Sequence[str]) -> str:
    name = f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}s"
    target = rng.choice(classes)
    return (
        f"def {name}(items: Optional[List[Any]] = None) -> Dict[str, Any]:\n"
        f"    subject = {target}()\n"
        "    found: Dict[str, Any] = {}\n"
        "    for position, item in enumerate(items or []):\n"
        f"        found[str(position)] = subject.{rng.choice(VERBS)}_{rng.choice(NOUNS)}(item)\n"
        "    return found\n"
    )


HEADER = '''"""{doc}"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional
'''


def render_module(rng: random.Random, module: Module) -> str:
    parts = [HEADER.format(doc=f"{module.dotted}: {rng.choice(VERBS)} {rng.choice(NOUNS)}s.")]
    imports = ["from app.core.config import settings"]
    for source, name in sorted(set(module.imports)):
        imports.append(f"from {source} import {name}")
    if imports:
        parts.append("\n".join(imports) + "\n")
    parts.append("logger = logging.getLogger(__name__)\n\nDEFAULT_LIMIT = %d\n" % rng.randint(10, 500))
    for name in module.classes:
        parts.append("\n" + _class(rng, name, name.endswith("Handler")))
    for _ in range(rng.randint(1, 3)):
        parts.append("\n" + _function(rng, module.classes))
    used = [name for _, name in module.imports]
    if used:
        body = ", ".join(f"{name}" for name in sorted(set(used)))
        parts.append(f"\nCOLLABORATORS = ({body},)\n")
    return "\n".join(parts)


def render_init(module: Module) -> str:
    lines = [f'"""{module.dotted}."""', ""]
    for submodule, name in module.exports:
        lines.append(f"from .{submodule} import {name}")
    if module.exports:
        lines += [
            "",
            "__all__ = [" + ", ".join(f'"{name}"' for _, name in sorted(module.exports, key=lambda e: e[1])) + "]",
        ]
    return "\n".join(lines) + "\n"


def render_test(rng: random.Random, module: Module) -> str:
    subject = module.subject
    assert subject is not None
    cls = subject.classes[0]
    lines = [
        f'"""Tests for {subject.dotted}."""',
        "",
        "from unittest import mock",
        "",
        f"from {subject.dotted} import {cls}",
        "",
        "",
        f"class Test{cls}:",
        "    def setup_method(self):",
        "        self.repository = mock.Mock()",
        f"        self.subject = {cls}(self.repository)",
    ]
    for number in range(rng.randint(2, 6)):
        verb = rng.choice(VERBS)
        lines += [
            "",
            f'    @mock.patch("{subject.dotted}.logger")',
            f"    def test_{verb}_{number}(self, logger):",
            f'        with mock.patch.object({cls}, "{verb}_{rng.choice(NOUNS)}", return_value={number}) as method:',
            f"            assert method({number}) == {number}",
            "        assert self.subject.config.limit > 0",
        ]
    return "\n".join(lines) + "\n"


def render_reference(text: str, template: Template, number: int) -> str:
    """A host module's text with one reference template added."""
    body = template.body.replace("{n}", str(number)).replace("{{", "{").replace("}}", "}")
    top = template.top.replace("{n}", str(number))
    if top:
        head, marker, rest = text.partition("\nlogger = ")
        if not marker:  # a test module: no logger
            head, marker, rest = text.partition("\n\nclass ")
            marker = "\n" + marker
        text = head + top + marker + rest
    return text.rstrip("\n") + "\n\n" + body.lstrip("\n")


def _instances(plan: Sequence[Tuple[Template, int]], rng: random.Random) -> Dict[str, List[Template]]:
    """Every reference to place, shuffled, per host kind."""
    pending: Dict[str, List[Template]] = {}
    for template, count in plan:
        pending.setdefault(template.host, []).extend([template] * count)
    for kind in sorted(pending):
        rng.shuffle(pending[kind])
    return pending


def _cluster(pending: List[Template], size: int) -> List[Template]:
    """Up to ``size`` references of distinct templates, taken from ``pending``."""
    chosen: List[Template] = []
    index = len(pending) - 1
    while index >= 0 and len(chosen) < size:
        if all(template.name != pending[index].name for template in chosen):
            chosen.append(pending.pop(index))
        index -= 1
    return chosen


def generate(root: str, files: int = 10000, seed: int = 0) -> Corpus:
    """Write the tree under ``root`` (created; must be empty or absent) and describe it."""
    plan = reference_plan(files)
    special: Counter[str] = Counter()
    for template, count in plan:
        if template.host in ("services", "websocket_core"):
            special[template.host] += count
    planner = _Planner(files, seed)
    modules = planner.plan(special)
    rng = random.Random(seed + 1)
    hosts: Dict[str, List[Module]] = {"app": [], "test": [], "services": [], "websocket_core": []}
    for module in modules:
        if module.kind in hosts:
            hosts[module.kind].append(module)
    for kind in hosts:
        rng.shuffle(hosts[kind])

    texts: Dict[str, str] = {}
    for module in modules:
        if module.kind == "init":
            texts[module.path] = render_init(module)
        elif module.kind == "test":
            texts[module.path] = render_test(rng, module)
        else:
            texts[module.path] = render_module(rng, module)

    expected: Dict[Tuple[bool, bool], Counter[str]] = {
        key: Counter() for key in ((True, False), (False, False), (True, True), (False, True))
    }
    for text, with_resolution, without in FIXED_FILES.values():
        for key in expected:
            expected[key].update(with_resolution if key[0] else without)
    placed: Dict[str, int] = {}
    number = 0
    for kind, pending in _instances(plan, rng).items():
        while pending:
            if not hosts[kind]:
                raise ValueError(f"{files} files are too few for the seeded references ({kind} modules)")
            host = hosts[kind].pop()
            for template in _cluster(pending, rng.randint(*CLUSTER)):
                number += 1
                texts[host.path] = render_reference(texts[host.path], template, number)
                for key in expected:
                    expected[key].update(template.expected(key[0]))
                placed[template.name] = placed.get(template.name, 0) + 1
    for name, size in duplicate_groups(files):
        for _ in range(size):
            if not hosts["app"]:
                raise ValueError(f"{files} files are too few for the seeded duplicate classes")
            host = hosts["app"].pop()
            texts[host.path] = texts[host.path].rstrip("\n") + "\n\n" + DUPLICATE_BODY.format(name=name).lstrip("\n")
            for key in ((True, True), (False, True)):
                expected[key]["SOT303"] += 1
        placed["duplicate-class"] = placed.get("duplicate-class", 0) + size

    if os.path.exists(root) and os.listdir(root):
        raise ValueError(f"{root} is not empty")
    for path, (text, _, _) in FIXED_FILES.items():
        _write(os.path.join(root, path), text)
    for path, text in texts.items():
        _write(os.path.join(root, path), text)
    corpus = Corpus(
        root=root,
        files=len(FIXED_FILES) + len(texts),
        seed=seed,
        references=placed,
        _expected={key: {code: counter[code] for code in CODES if counter[code]} for key, counter in expected.items()},
    )
    corpus.write_config()
    return corpus


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10000, help="how many .py files (default 10000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", help="directory to write (default: a new temporary directory)")
    options = parser.parse_args(argv)
    root = options.output or tempfile.mkdtemp(prefix="ssot-bench-")
    corpus = generate(root, options.files, options.seed)
    print(
        json.dumps(
            {
                "root": corpus.root,
                "files": corpus.files,
                "seed": corpus.seed,
                "references": corpus.references,
                "expected": corpus.expected(),
                "expected_without_resolution": corpus.expected(resolve=False),
                "expected_with_duplicates": corpus.expected(duplicates=True),
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
