import importlib
import subprocess

# Every service module must import cleanly; the list names the legacy module too.
service_modules = [
    "netra_backend.app.services.websocket.ws_service",
    "netra_backend.app.services.websocket.message_handler",
    "netra_backend.app.websocket_core.handlers",
]


def test_service_modules_import():
    for name in service_modules:
        importlib.import_module(name)


def test_smoke_command():
    command = "python -c \"from netra_backend.app.services.websocket.message_handler import MessageHandler; print('ok')\""
    assert subprocess.run(command, shell=True).returncode == 0
