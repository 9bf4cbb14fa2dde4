"""Project-wide request guards."""

from django.http import Http404


class RefuseNulBytesMiddleware:
    """No URL of ours holds a NUL byte, and PostgreSQL refuses it in a text value: a path with
    one is a 404 before any view or query sees it. (Query values are the forms' and
    serializers' to refuse: their fields reject NUL characters.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404
        return self.get_response(request)
