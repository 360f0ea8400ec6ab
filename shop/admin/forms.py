"""Back-office forms; amounts are typed in major units and parsed exactly."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SearchField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from shop.labels import STATES
from shop.orders import NEEDS_ATTENTION
from shop.payments import PaymentState


class SignInForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class AmountForm(FlaskForm):
    """Capture or refund; empty means "all of it" for a capture."""

    amount = StringField(
        _l("Amount"), validators=[Optional(), Length(max=20), Regexp(r"^\d+([.,]\d{1,3})?$")]
    )
    # Names an attempt other than the decisive one: the extra payment of a double payment.
    payment = HiddenField(validators=[Optional(), Length(max=40)])


class OrderFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=100)])
    state = SelectField(
        _l("State"),
        choices=[SelectChoice("", _l("any")), SelectChoice(NEEDS_ATTENTION, _l("needs attention"))]
        + [SelectChoice(state.value, STATES[state.value]) for state in PaymentState],
        validators=[Optional()],
        validate_choice=True,
    )
