from unittest import mock

from netra_backend.app.websocket_core.handlers import UserMessageHandler as CanonicalHandler


class UserMessageHandler:
    """A hand-written test double: a third UserMessageHandler."""


@mock.patch("netra_backend.app.services.websocket.message_handler.UserMessageHandler.handle")
def test_routes_user_messages(handle, mock_supervisor):
    handler = CanonicalHandler(mock_supervisor)
    assert handler.can_handle("user_message")
