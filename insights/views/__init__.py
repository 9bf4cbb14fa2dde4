"""Staff pages of `insights`, one module per page family; `insights/urls.py` names them."""
