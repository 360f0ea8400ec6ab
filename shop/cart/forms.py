"""Cart forms: ids and quantities only; a price is never a form field."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import DataRequired, NumberRange

from shop.cart.service import MAX_QUANTITY


class AddToCartForm(FlaskForm):
    product_id = HiddenField(validators=[DataRequired()])
    quantity = IntegerField(
        _l("Quantity"), default=1, validators=[DataRequired(), NumberRange(1, MAX_QUANTITY)]
    )


class QuantityForm(FlaskForm):
    quantity = IntegerField(
        _l("Quantity"), validators=[DataRequired(), NumberRange(1, MAX_QUANTITY)]
    )


class EmptyForm(FlaskForm):
    """A CSRF-protected button (remove from cart, try again)."""
