import importlib
from typing import TYPE_CHECKING

import netra_backend.app.services
from netra_backend.app.services.websocket.message_handler import UserMessageHandler
from netra_backend.app.websocket_core.unified_manager import UnifiedWebSocketManager as Manager
from ..services.websocket import message_handler as legacy_handlers

if TYPE_CHECKING:
    from netra_backend.app.services.websocket.message_handler import BaseMessageHandler


def route(message, supervisor, db_session_factory):
    handler = UserMessageHandler(supervisor, db_session_factory)
    fallback = netra_backend.app.services.websocket.message_handler.UserMessageHandler
    plugin = importlib.import_module("netra_backend.app.services.websocket.message_handler")
    return handler, fallback, plugin, Manager, legacy_handlers
