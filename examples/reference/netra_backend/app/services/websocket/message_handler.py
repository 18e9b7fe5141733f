"""Legacy: queue-based handler wired to the supervisor. Being removed."""
import asyncio


class BaseMessageHandler:
    async def handle(self, message):
        raise NotImplementedError


class UserMessageHandler(BaseMessageHandler):
    def __init__(self, supervisor, db_session_factory):
        self.supervisor = supervisor
        self.db_session_factory = db_session_factory
        self.queue = asyncio.Queue()

    async def handle(self, message):
        await self.queue.put(message)
