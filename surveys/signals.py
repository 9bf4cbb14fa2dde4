"""The signals `surveys` sends to the apps that read it; `surveys` never imports them back.

`insights.receivers` lists who subscribes to each.
"""

from django.dispatch import Signal

# Sent after the transaction that completed a response has committed; kwargs: response.
response_completed = Signal()

# Sent by a pulse segment that names matrix quadrants (`surveys.services.pulse`), which only
# `insights` can compute; kwargs: quadrants (a tuple of Quadrant values). A receiver returns
# the set of account ids in those quadrants. No receiver: the segment is refused.
quadrant_accounts_requested = Signal()
