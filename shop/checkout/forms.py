"""The Buy form: who is buying. Amounts come from the server, never from here."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField
from wtforms.validators import DataRequired, Email, Length, Regexp


class CheckoutForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = StringField(
        _l("Email"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=40)]
    )
    # Makes a double submit recognisable: the same form posted twice makes one order.
    checkout_key = HiddenField(validators=[DataRequired(), Regexp(r"^[A-Za-z0-9_-]{16,64}$")])
    provider = RadioField(_l("Pay with"), validate_choice=True)
