import logging
import re

# Survey links /s/<token>/ and shared action plans /p/<token>/.
_TOKEN_PATH = re.compile(r"/([sp])/(?!open/)[A-Za-z0-9_\-]{16,}/?")


class ScrubSurveyTokens(logging.Filter):
    """Survey and plan links are bearer secrets: keep them out of every log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/s/" in message or "/p/" in message:
            record.msg = _TOKEN_PATH.sub(r"/\1/[token]/", message)
            record.args = None
        return True
