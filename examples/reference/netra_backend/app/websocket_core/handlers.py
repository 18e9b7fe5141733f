"""Canonical: the one UserMessageHandler. Agents come from the agent factory."""


class BaseMessageHandler:
    def can_handle(self, message_type):
        return False


class UserMessageHandler(BaseMessageHandler):
    def __init__(self):
        self.handled = 0

    def can_handle(self, message_type):
        return message_type == "user_message"
