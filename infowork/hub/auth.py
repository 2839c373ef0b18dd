"""The hub's login check: the passwords of the seminar's sheet, stored as scrypt hashes.

Why not PAM: the trainees' Linux accounts exist only so that each server runs as its own user
(file modes keep trainees apart); they get no Linux password and no shell, so nobody can log in
to the machine by SSH with a seminar password, and PAM's configuration (which differs between
distributions and containers) plays no part. The hub, which runs as root, reads the hashes from
the seminar's ``hub/accounts.json`` (mode 0600), written by :mod:`infowork.hub.accounts`.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

from jupyterhub.auth import Authenticator
from traitlets import Unicode

__all__ = ["SheetAuthenticator", "password_hash", "check_password"]

_SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}


def password_hash(password: str, salt: str) -> str:
    """Hex scrypt hash of a password with a hex salt."""
    return hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), **_SCRYPT).hex()


def check_password(record: dict, password: str) -> bool:
    """Whether ``password`` is the one of an account record (``salt``, ``hash``)."""
    try:
        return hmac.compare_digest(password_hash(password, record["salt"]), record["hash"])
    except (KeyError, TypeError, ValueError):
        return False


class SheetAuthenticator(Authenticator):
    """Logins and passwords from the seminar's accounts file (re-read at each login, so a
    trainee added by a restart with a longer roster can log in at once)."""

    accounts_file = Unicode(config=True, help="the seminar's hub/accounts.json")

    def _accounts(self) -> dict[str, dict]:
        data = json.loads(Path(self.accounts_file).read_text(encoding="utf-8"))
        return {record["login"]: record for record in data["accounts"]}

    async def authenticate(self, handler, data):
        login = (data.get("username") or "").strip().lower()
        record = self._accounts().get(login)
        if record is not None and check_password(record, data.get("password") or ""):
            return login
        self.log.warning("Failed login for %r", login)
        return None
