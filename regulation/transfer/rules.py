"""Only regulator staff may produce, see or download a transfer bundle: it holds the whole register."""

import rules

from accounts.home import register_nav
from accounts.rules import is_regulator_staff

rules.add_perm("regulation.transfer_register", is_regulator_staff)

register_nav("Transfer", "transfer:home", allowed=is_regulator_staff, order=25)
