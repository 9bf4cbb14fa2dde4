from django.dispatch import Signal

# Sent after the transaction that completed a response has committed; kwargs: response.
response_completed = Signal()
