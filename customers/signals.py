"""What `customers` tells the apps built on it, without knowing them."""

from django.dispatch import Signal

# A contact has opted out of every future invitation (customers.services.contact_opt_out);
# kwargs: contact. Sent inside the opt-out's transaction, so what receivers write (surveys
# skips the contact's waiting links) commits or rolls back with the opt-out itself.
contact_opted_out = Signal()
