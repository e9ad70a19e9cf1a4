"""The acknowledgement registry: who must acknowledge which version, their records, the proof.

An optional extra (``pip install 'charter-kit[ack]'``): nothing in the core imports this package.
It reads the release store (through ``versions`` only), the model, the diff and the reports.
"""

from __future__ import annotations

EXTRA_HINT = "pip install 'charter-kit[ack]'"
_REQUIRED = ("sqlalchemy", "alembic", "starlette", "uvicorn", "argon2", "openpyxl", "itsdangerous", "python_multipart")


def missing_packages() -> list[str]:
    """The Python packages of the ``ack`` extra that cannot be imported here."""
    import importlib.util

    return [name for name in _REQUIRED if importlib.util.find_spec(name) is None]
