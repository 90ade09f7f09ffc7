"""Built-in authentication: basic auth against the configured users, ``--auth-user`` with
``--auth-password`` and the ``auth_users`` list (``["alice:secret", ...]``, usually in the config
file).

With no user configured it has no opinion, so any credentials pass, as in Memgraph when no users
exist. It runs last (``trylast``), so an authentication plugin can answer first.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

from mgcore import hookimpl
from mgcore.errors import ConfigurationError


class BasicAuth:
    """Accepts exactly the configured users with their passwords once any user is configured."""

    def __init__(self, user: str = "", password: str = "", users: Mapping[str, str] | None = None):
        self.users = dict(users or {})
        if user:
            self.users[user] = password

    @property
    def user(self) -> str:
        """The first configured user ("" when none)."""
        return next(iter(self.users), "")

    @hookimpl(trylast=True)
    def mg_authenticate(self, username: str, password: str, scheme: str) -> bool | None:
        """Compare in constant time; schemes other than basic are rejected once a user exists."""
        if not self.users:
            return None
        if scheme != "basic":
            return False
        expected = self.users.get(username)
        if expected is None:
            hmac.compare_digest(password.encode(), password.encode())  # same work either way
            return False
        return hmac.compare_digest(password.encode(), expected.encode())


def parse_users(entries: list[str]) -> dict[str, str]:
    """``["alice:secret", ...]`` as a dict; an entry without a colon is a ConfigurationError."""
    users: dict[str, str] = {}
    for entry in entries:
        name, sep, password = entry.partition(":")
        if not sep or not name:
            raise ConfigurationError(
                f"auth_users entry {entry!r} must have the form user:password"
            )
        users[name] = password
    return users


def create_plugin(settings: Mapping[str, Any]) -> BasicAuth:
    """Build the plugin from resolved settings; called by ``PluginHost.configure``."""
    return BasicAuth(
        settings["auth_user"],
        settings["auth_password"],
        parse_users(list(settings.get("auth_users", []))),
    )
