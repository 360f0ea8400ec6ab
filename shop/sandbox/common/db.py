"""The sandbox's database object: every table of both gateways and of the faults is on it."""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base of the sandbox tables, separate from the shop's."""


db = SQLAlchemy(model_class=Base)
