"""Card data at rest and in logs: bin, last four, type, holder, expiry; never the PAN or CVV."""

from __future__ import annotations

import sqlite3

PANS = {
    "4444555566661111": "VISA",
    "5555555555554444": "MASTERCARD",
    "2200000000000004": "MIR",
}
CVV = "8642"


def test_full_pan_and_cvv_are_stored_and_logged_nowhere(
    open_order, pay, status, client, db_path, caplog, receiver
):
    caplog.set_level("DEBUG")
    seen = {}
    for pan, scheme in PANS.items():
        order = open_order(server_callback_url=receiver.url)
        assert pay(order, pan=pan, cvv=CVV).status_code == 303
        seen[pan] = status(order)
        assert (seen[pan]["card-type"], seen[pan]["bin"]) == (scheme, pan[:6])
        assert seen[pan]["last-four-digits"] == pan[-4:]
    three_ds = open_order()
    pay(three_ds, pan="4111111111111111", cvv="321")
    receiver.wait_for(len(PANS))

    with sqlite3.connect(db_path) as conn:
        tables = [
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        cells = [
            str(cell)
            for table in tables
            if table.startswith("sandbox_payneteasy")
            for row in conn.execute(f"SELECT * FROM {table}")  # noqa: S608 - names from sqlite
            for cell in row
            if isinstance(cell, str)
        ]
    logs = "\n".join(record.getMessage() for record in caplog.records)
    for pan in [*PANS, "4111111111111111"]:
        assert not any(pan in cell for cell in cells)
        assert pan not in logs
    assert not any(CVV in cell for cell in cells)
    assert CVV not in logs
    assert "bin=444455 last4=1111" in logs  # the masked form is what gets logged
    assert any(cell == "MASTERCARD" for cell in cells)


def test_failed_form_never_echoes_pan_or_cvv(open_order, pay):
    response = pay(open_order(), pan="4444555566661111", cvv=CVV, expiry="13/40")

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "4444555566661111" not in html and CVV not in html
    assert 'value="13/40"' in html  # expiry comes back for correction
