"""Only regulator staff may produce, see or download a transfer bundle: it holds the whole register."""

import rules

from accounts.rules import is_regulator_staff

# Reached from the regulator's home page (Regulator tools), not the navigation.
rules.add_perm("regulation.transfer_register", is_regulator_staff)
