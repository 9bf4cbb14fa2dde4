"""Rebuild the Simplified Chinese font subset vendored under static/fonts/ for PDF reports.

The source is Debian's fonts-noto-cjk (Noto Sans CJK 2.004, SIL OFL 1.1): its SC face, cut
down to GB 2312 (6,763 hanzi and its symbols) plus Latin-1, general punctuation, arrows, CJK
punctuation and full-width forms: about 3 MB per weight instead of 19 MB for the collection.
The family is renamed "Noto Sans SC Subset" so that it never shadows a full Noto Sans CJK SC
installed on the system, which the report stylesheet names next as the fallback for rarer
characters.

    make fonts            # installs fonts-noto-cjk when root and missing, then runs this
    .venv/bin/python scripts/build_report_fonts.py [--source-dir /usr/share/fonts/opentype/noto]
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "static" / "fonts"
SC_INDEX = 2  # NotoSansCJK-*.ttc holds JP, KR, SC, TC, HK, then the mono faces
FAMILY = "Noto Sans SC Subset"
WEIGHTS = ("Regular", "Bold")


def gb2312_codepoints() -> set[int]:
    """Every character of GB 2312, enumerated through Python's codec (no list to keep)."""
    points = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return points


def wanted_codepoints() -> set[int]:
    ranges = [
        (0x20, 0x7F),  # ASCII
        (0xA0, 0x100),  # Latin-1
        (0x2000, 0x2070),  # general punctuation
        (0x2190, 0x2200),  # arrows
        (0x3000, 0x3040),  # CJK symbols and punctuation
        (0xFF00, 0xFFF0),  # half- and full-width forms
    ]
    points = gb2312_codepoints()
    for start, stop in ranges:
        points.update(range(start, stop))
    return points


def rename(font, weight: str) -> None:
    name = font["name"]
    full = f"{FAMILY} {weight}" if weight != "Regular" else FAMILY
    postscript = f"NotoSansSCSubset-{weight}"
    for record in list(name.names):
        if record.nameID in (1, 16):
            name.setName(FAMILY, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID in (4, 18):
            name.setName(full, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 6:
            name.setName(
                postscript, record.nameID, record.platformID, record.platEncID, record.langID
            )
        elif record.nameID == 3:
            name.setName(
                f"{postscript};GB2312 subset",
                record.nameID,
                record.platformID,
                record.platEncID,
                record.langID,
            )
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [postscript]
        top = cff.topDictIndex[0]
        top.FullName = full
        top.FamilyName = FAMILY


def build(source_dir: Path) -> list[Path]:
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    points = wanted_codepoints()
    written = []
    for weight in WEIGHTS:
        source = source_dir / f"NotoSansCJK-{weight}.ttc"
        if not source.exists():
            sys.exit(f"{source} is missing: apt-get install fonts-noto-cjk (or make fonts)")
        font = TTCollection(str(source)).fonts[SC_INDEX]
        options = subset.Options()
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.hinting = False
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=points)
        subsetter.subset(font)
        rename(font, weight)
        font.recalcTimestamp = False  # byte-identical rebuilds
        target = OUT_DIR / f"NotoSansSCSubset-{weight}.otf"
        font.save(str(target))
        written.append(target)
        print(f"{target.relative_to(ROOT)}: {target.stat().st_size:,} bytes")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source-dir", type=Path, default=Path("/usr/share/fonts/opentype/noto"), help="ttc dir"
    )
    build(parser.parse_args().source_dir)


if __name__ == "__main__":
    main()
