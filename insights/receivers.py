"""How `insights` answers the signals of `surveys`; `connect()` subscribes, called once from
`InsightsConfig.ready`. `surveys` sends and never imports `insights`.

- `surveys.signals.quadrant_accounts_requested`: a pulse segment that names matrix quadrants
  asks which accounts are in them; `quadrant_account_ids` answers from the customer matrix
  (`insights.selectors.matrix`).
- `surveys.signals.response_completed` (sent after an answer's transaction commits): nothing in
  `insights` subscribes to it yet. The alert rules of the closed-loop work will, with a
  receiver that enqueues one task per response, so that answering never waits on analysis.
"""

from surveys.models import PulseSegment
from surveys.signals import quadrant_accounts_requested

from .selectors.matrix import account_quadrants


def quadrant_account_ids(sender, *, quadrants, **kwargs) -> set[int]:
    """Ids of the accounts whose quadrant of the customer matrix is one of `quadrants`."""
    wanted = set(quadrants)
    return {pk for pk, q in account_quadrants().items() if q in wanted}


def connect() -> None:
    quadrant_accounts_requested.connect(
        quadrant_account_ids, sender=PulseSegment, dispatch_uid="insights.quadrant_account_ids"
    )
