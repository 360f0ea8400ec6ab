"""Armed faults, in the sandbox database so every worker process sees the same ones."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shop.sandbox.common.db import db


class ArmedFault(db.Model):
    """A fault waiting for the next `remaining` calls of `method` ("*" for every method)."""

    __tablename__ = "sandbox_fault"

    id: Mapped[int] = mapped_column(primary_key=True)
    method: Mapped[str] = mapped_column(String(60))
    fault: Mapped[str] = mapped_column(String(30))
    ms: Mapped[int] = mapped_column(Integer, default=0)
    remaining: Mapped[int] = mapped_column(Integer, default=1)
