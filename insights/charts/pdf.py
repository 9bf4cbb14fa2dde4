"""Charts for WeasyPrint, whose SVG text is laid out one character at a time.

WeasyPrint (70) draws each character of an SVG `<text>` on its own, in logical order: Persian
would come out unjoined and backwards. Browsers shape and reorder text themselves, so the
charts keep logical text for pages; for a PDF, `for_weasyprint` rewrites each right-to-left
text into joined presentation forms (arabic-reshaper, which knows the Persian letters) in
visual order (python-bidi, the Unicode bidi algorithm). Chinese and Latin text need neither.
"""

import unicodedata
import xml.etree.ElementTree as ET

from django.utils.safestring import SafeString, mark_safe

from ._render import RLM, SVG_NS, serialize


def _has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def visual_text(text: str) -> str:
    """Logical Persian/Arabic text -> shaped glyphs in left-to-right display order."""
    from arabic_reshaper import reshape
    from bidi import get_display

    return get_display(reshape(text.replace(RLM, "")), base_dir="R")


def for_weasyprint(svg: str) -> SafeString:
    """The chart with its right-to-left texts pre-shaped for WeasyPrint (not for browsers)."""
    root = ET.fromstring(svg)  # noqa: S314 - a chart of ours
    for element in root.iter(f"{{{SVG_NS}}}text"):
        if element.text and _has_rtl(element.text):
            element.text = visual_text(element.text)
    return mark_safe(serialize(root))  # noqa: S308 - ET escaped it
