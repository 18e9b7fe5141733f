"""Next to the legacy module and allowed to use it while the migration runs (ssot-allow)."""
from netra_backend.app.services.websocket.message_handler import BaseMessageHandler


class QueueDrainer(BaseMessageHandler):
    pass
