class UnifiedWebSocketManager:
    """Superseded by websocket_manager.WebSocketManager."""
