"""What `customers` tells the apps built on it, without knowing them."""

from django.dispatch import Signal

# A contact has opted out of every future invitation (customers.services.contact_opt_out);
# kwargs: contact. Sent inside the opt-out's transaction, so what receivers write (surveys
# skips the contact's waiting links) commits or rolls back with the opt-out itself.
contact_opted_out = Signal()

# A contact's personal data is being erased (customers.privacy.contact_erase); kwargs: contact.
# Sent inside the erasure's transaction, before the contact's own fields are blanked: each app
# that keeps personal data about the contact blanks it here (surveys: free-text answers, links),
# and keeps what the figures need. A receiver that raises rolls the whole erasure back.
contact_erasing = Signal()

# Everything about a contact is being exported (customers.privacy.contact_export); kwargs:
# contact. Each receiver returns a dict of JSON-ready sections to add to the export, e.g.
# {"invitations": [...], "responses": [...]}.
contact_export_requested = Signal()
