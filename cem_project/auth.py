"""Password attempts: at most CEM_LOGIN_ATTEMPTS_PER_MINUTE per address, on the admin login
and the API token endpoint together (cem_project.ratelimits.LOGIN_ATTEMPTS). django-axes locks
a username and address out after repeated failures (settings AXES_*)."""

import functools
import logging

from django.shortcuts import render
from rest_framework.throttling import BaseThrottle

from .ratelimits import LOGIN_ATTEMPTS, client_ip, limit_hit

security_logger = logging.getLogger("cem.security")


def login_attempts_limited(view):
    """Count every posted login per address; over the limit answer 429 without checking."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and limit_hit(request, LOGIN_ATTEMPTS):
            security_logger.warning("Login attempts rate-limited for %s", client_ip(request))
            return render(request, "registration/too_many_attempts.html", status=429)
        return view(request, *args, **kwargs)

    return wrapper


class LoginAttemptsThrottle(BaseThrottle):
    """The same count for DRF views that take a password (the token endpoint)."""

    def allow_request(self, request, view) -> bool:
        if limit_hit(request, LOGIN_ATTEMPTS):
            security_logger.warning("Token requests rate-limited for %s", client_ip(request))
            return False
        return True

    def wait(self) -> float:
        return float(LOGIN_ATTEMPTS.period)
