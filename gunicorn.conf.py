"""Gunicorn reads this file from the working directory. Its access log line holds the request
path, and survey links carry their token in the path: send it through the same scrubbing
filter as Django's own logs (Django's LOGGING does not reach gunicorn's loggers)."""

wsgi_app = "cem_project.wsgi:application"
accesslog = "-"

_SCRUBBED_STDOUT = {
    "class": "logging.StreamHandler",
    "filters": ["scrub_tokens"],
    "formatter": "generic",
    "stream": "ext://sys.stdout",
}

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub_tokens": {"()": "cem_project.logging.ScrubSurveyTokens"}},
    "formatters": {
        "generic": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s"},
        "access": {"format": "%(message)s"},
    },
    "handlers": {
        "error_console": {**_SCRUBBED_STDOUT, "stream": "ext://sys.stderr"},
        "access_console": {**_SCRUBBED_STDOUT, "formatter": "access"},
    },
    "root": {"level": "INFO", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"handlers": ["error_console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["access_console"], "level": "INFO", "propagate": False},
    },
}
