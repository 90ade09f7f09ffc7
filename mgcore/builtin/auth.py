"""Built-in authentication: basic auth against the configured ``--auth-user``/``--auth-password``.

With no user configured it has no opinion, so any credentials pass, as in Memgraph when no users
exist. It runs last (``trylast``), so an authentication plugin can answer first.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

from mgcore import hookimpl


class BasicAuth:
    """Accepts exactly the configured user and password once a user is configured."""

    def __init__(self, user: str, password: str) -> None:
        self.user = user
        self.password = password

    @hookimpl(trylast=True)
    def mg_authenticate(self, username: str, password: str, scheme: str) -> bool | None:
        """Compare in constant time; schemes other than basic are rejected once a user exists."""
        if not self.user:
            return None
        if scheme != "basic":
            return False
        user_ok = hmac.compare_digest(username.encode(), self.user.encode())
        password_ok = hmac.compare_digest(password.encode(), self.password.encode())
        return user_ok and password_ok


def create_plugin(settings: Mapping[str, Any]) -> BasicAuth:
    """Build the plugin from resolved settings; called by ``PluginHost.configure``."""
    return BasicAuth(settings["auth_user"], settings["auth_password"])
