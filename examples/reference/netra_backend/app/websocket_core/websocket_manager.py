class WebSocketManager:
    """The canonical connection manager."""
