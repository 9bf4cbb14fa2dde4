"""Colours of every chart: Okabe-Ito hues (told apart with the common colour-vision
deficiencies), darkened where needed so that each mark has at least 3:1 contrast on white
(WCAG 1.4.11) and each text colour at least 4.5:1. Position, legend and value labels carry
the same information, so colour is never the only cue.
"""

BLUE = "#0072B2"  # 5.2:1
VERMILLION = "#C4450C"  # 5.0:1
GREEN = "#007A5A"  # 5.3:1
PURPLE = "#A5487E"  # 5.5:1
OCHRE = "#8F5A00"  # 5.8:1
GREY = "#767676"  # 4.5:1
LIGHT_GREY = "#8C8C8C"  # 3.4:1

SERIES = [BLUE, VERMILLION, GREEN, PURPLE, OCHRE, GREY]

DETRACTOR = VERMILLION
PASSIVE = LIGHT_GREY
PROMOTER = BLUE

BAR = BLUE
HIGHLIGHT = VERMILLION

# Keyed like surveys.constants.Quadrant values (and "insufficient" for too few answers).
QUADRANT_COLORS = {
    "model": BLUE,
    "at_risk": VERMILLION,
    "growth": GREEN,
    "dangling": GREY,
    "insufficient": LIGHT_GREY,
}
QUADRANT_TINTS = {  # backgrounds behind the quadrants: decoration, no contrast needed
    "model": "#edf4fa",
    "at_risk": "#fcefe9",
    "growth": "#eaf5f1",
    "dangling": "#f4f4f4",
}


def relative_luminance(color: str) -> float:
    channels = [int(color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str = "#ffffff") -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    high, low = sorted((relative_luminance(foreground), relative_luminance(background)))[::-1]
    return (high + 0.05) / (low + 0.05)
