"""What the register tells other apps, so they never have to watch its tables.

``entry_removed``: a removal order has taken effect on an entry (sent inside the transaction that changed the
status, with ``entry``, ``by`` (None when the daily sweep applied it), ``reason`` and ``order``). The accreditation
pathway revokes the person's accreditations and ends their annotations.

``standing_changed``: an order or condition was made, ended or expired on an entry (sent inside the transaction,
with ``entry``). The accreditation pathway republishes its credential status lists (suspension).
"""

from django.dispatch import Signal

entry_removed = Signal()
standing_changed = Signal()
