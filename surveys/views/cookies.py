"""What this browser did with personal links, in signed cookies rather than a session."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from ..models import Invitation

ANSWERED_COOKIE = "cem_answered"
LANGUAGE_COOKIE = "cem_language"
COOKIE_MEMORY = 20  # invitations remembered per browser, the latest kept


class RespondentCookies:
    """The invitations this browser completed (they get "already answered" instead of the
    invalid-link page) and the language chosen per invitation.

    Signed cookies (httponly, SameSite=Lax, path limited to the answering pages) rather than
    the database session, so answering costs no session read or write. Values are invitation
    ids, never tokens; the signature stops a browser from claiming another invitation.
    """

    def __init__(self, request: HttpRequest):
        self.request = request
        self.pending: dict[str, str] = {}

    def _read(self, name: str) -> list[str]:
        value = self.request.get_signed_cookie(
            name, default="", salt=f"surveys.respond.{name}", max_age=self.max_age
        )
        return [item for item in value.split(".") if item]

    @property
    def max_age(self) -> int:
        return settings.SESSION_COOKIE_AGE

    def answered(self) -> set[str]:
        return set(self._read(ANSWERED_COOKIE))

    def answered_here(self, invitation: Invitation) -> bool:
        return str(invitation.pk) in self.answered()

    def remember_answered(self, invitation: Invitation) -> None:
        key = str(invitation.pk)
        kept = [item for item in self._read(ANSWERED_COOKIE) if item != key]
        self.pending[ANSWERED_COOKIE] = ".".join([*kept, key][-COOKIE_MEMORY:])

    def languages(self) -> dict[str, str]:
        """The language chosen per invitation id."""
        pairs = (item.partition("-") for item in self._read(LANGUAGE_COOKIE))
        return {key: code for key, _sep, code in pairs if key and code}

    def remember_language(self, invitation: Invitation, code: str) -> None:
        key = str(invitation.pk)
        chosen = {k: v for k, v in self.languages().items() if k != key}
        chosen[key] = code
        items = [f"{k}-{v}" for k, v in chosen.items()][-COOKIE_MEMORY:]
        self.pending[LANGUAGE_COOKIE] = ".".join(items)

    def apply(self, response: HttpResponse) -> HttpResponse:
        if not self.pending:
            return response
        # Every personal link lives under the same prefix: /s/<token>/ -> /s/
        path = reverse("surveys:respond", args=["x"])[: -len("x/")]
        for name, value in self.pending.items():
            response.set_signed_cookie(
                name,
                value,
                salt=f"surveys.respond.{name}",
                max_age=self.max_age,
                path=path,
                httponly=True,
                secure=self.request.is_secure(),
                samesite="Lax",
            )
        return response
