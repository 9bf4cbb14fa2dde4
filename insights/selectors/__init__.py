"""Reads of `insights`, one module per view of the answers: every figure is a database
aggregate turned into a metric by `insights.metrics`.

- `aggregates`: the scope (`ResultFilter`), the conditional aggregates and the metric summary
  every figure is built from, and the response rate
- `results`: the results pages' reads: scoreboard, question distributions, comments
- `waves`: a relationship programme's waves compared
- `matrix`: each account's quadrant of the customer matrix

Other apps, tests and benches read metrics through the names re-exported below; code inside
`insights` imports from the module that defines a name.
"""

from .aggregates import MetricSummary, ResultFilter, metric_summary, result_filter_for

__all__ = ["MetricSummary", "ResultFilter", "metric_summary", "result_filter_for"]
