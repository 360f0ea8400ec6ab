"""The unbound extension objects, in one place, bound in create_app()."""

from datetime import datetime

from flask_babel import Babel
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import DateTime
from sqlalchemy.orm import DeclarativeBase, registry


class Base(DeclarativeBase):
    """Declarative base of the shop's own tables (the sandbox has its own)."""

    # Aware timestamps everywhere: PostgreSQL stores timestamptz, nothing shifts by zone.
    registry = registry(type_annotation_map={datetime: DateTime(timezone=True)})


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
