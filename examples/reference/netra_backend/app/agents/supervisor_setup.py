from netra_backend.app.websocket_core.handlers import UserMessageHandler
from netra_backend.app.websocket_core.handlers import BaseMessageHandler as UserMessageHandler


class AgentHandlerService:
    def __init__(self, supervisor, registry):
        self.supervisor = supervisor
        self.handler = UserMessageHandler(self.supervisor, db_session_factory=registry.session_factory)
