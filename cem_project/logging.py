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


# Presentation properties of SVG that CSS does not know (matplotlib writes them as styles).
_SVG_STYLE_WARNING = re.compile(
    r"^Ignored `(fill|stroke|text-anchor|clip-rule|marker|stop-|paint-order)[a-z-]*:.*"
    r"unknown property"
)


class DropInlineSvgStyleWarnings(logging.Filter):
    """WeasyPrint first reads the style attributes of an SVG inlined in HTML as CSS and warns
    about every SVG property there (hundreds per report); its SVG renderer then applies them.
    Those lines are noise; every other WeasyPrint warning stays."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not _SVG_STYLE_WARNING.match(record.getMessage())
