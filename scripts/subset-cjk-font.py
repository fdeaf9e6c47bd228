#!/usr/bin/env python3
"""Cuts the bundled CJK font down to the characters wirelab's Chinese text uses.

Collects every CJK character (ideographs, CJK punctuation, full-width forms) from the crate's
texts -- src/**/*.rs, lessons/**/*.toml and the text files under assets/ -- plus a small fixed
base set, and runs `pyftsubset` (Debian `fonttools`) on Noto Sans CJK SC (Debian
`fonts-noto-cjk`: face 2 of NotoSansCJK-Regular.ttc). Writes

    assets/fonts/NotoSansCJKsc-wirelab.otf        the subset (loaded by src/ui/fonts.rs)
    assets/fonts/NotoSansCJKsc-wirelab.chars.txt  the characters it covers, sorted

Rerun it whenever Chinese text is added (tests/cjk_font.rs fails and names the missing
characters). Deterministic: the same texts give the same character list and the same font bytes
(pyftsubset keeps the source font's timestamp).

Usage: scripts/subset-cjk-font.py [--font PATH] [--face N]
"""

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "assets" / "fonts"
OUT_FONT = OUT_DIR / "NotoSansCJKsc-wirelab.otf"
OUT_CHARS = OUT_DIR / "NotoSansCJKsc-wirelab.chars.txt"

# Debian's fonts-noto-cjk: Simplified Chinese is face 2 of the collection. A standalone
# NotoSansCJKsc-Regular.otf (face 0) is used when that is what is installed.
CANDIDATES = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf", 0),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
]

# The ranges counted as CJK; tests/cjk_font.rs uses the same ones.
CJK_RANGES = [
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x312F),  # Bopomofo
    (0x3190, 0x31FF),  # Kanbun, CJK strokes ...
    (0x3200, 0x33FF),  # enclosed CJK letters, CJK compatibility
    (0x3400, 0x4DBF),  # CJK unified ideographs extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half-width and full-width forms
    (0x20000, 0x2FFFF),  # ideographs beyond the BMP
]

# Always included, whatever the texts say: the CJK punctuation and full-width forms a Chinese
# sentence uses, and Chinese numerals.
BASE = (
    "".join(chr(c) for c in range(0x3000, 0x3020))  # 、。〃〈〉《》「」『』【】〔〕〖〗 ...
    + "".join(chr(c) for c in range(0xFF01, 0xFF5F))  # ！＂＃ ... ～ (full-width ASCII)
    + "〇一二三四五六七八九十百千万亿"
    + "简体中文"
)

TEXT_SUFFIXES = {".rs", ".toml", ".md", ".txt", ".html", ".json", ".css", ".js"}


def is_cjk(ch):
    c = ord(ch)
    return any(lo <= c <= hi for lo, hi in CJK_RANGES)


def text_files():
    """The files whose text goes into the font, in a fixed order."""
    files = list((ROOT / "src").rglob("*.rs"))
    files += list((ROOT / "lessons").rglob("*.toml"))
    for p in (ROOT / "assets").rglob("*"):
        if p.is_file() and p.suffix in TEXT_SUFFIXES and OUT_DIR not in p.parents:
            files.append(p)
    return sorted(files)


def collect():
    chars = {ch for ch in BASE if is_cjk(ch)}
    for path in text_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        chars.update(ch for ch in text if is_cjk(ch))
    return sorted(chars)


def source_font(args):
    if args.font:
        return args.font, args.face
    for path, face in CANDIDATES:
        if os.path.exists(path):
            return path, face
    sys.exit(
        "subset-cjk-font: no Noto Sans CJK found; install Debian's fonts-noto-cjk "
        "or pass --font PATH --face N"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--font", help="source font (.ttc/.otf)")
    parser.add_argument("--face", type=int, default=0, help="face index in a .ttc")
    args = parser.parse_args()

    pyftsubset = shutil.which("pyftsubset")
    if pyftsubset is None:
        sys.exit("subset-cjk-font: pyftsubset not found; install Debian's fonttools")
    font, face = source_font(args)
    chars = collect()

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        text_file = pathlib.Path(tmp) / "chars.txt"
        text_file.write_text("".join(chars), encoding="utf-8")
        subprocess.run(
            [
                pyftsubset,
                font,
                f"--font-number={face}",
                f"--text-file={text_file}",
                f"--output-file={OUT_FONT}",
                # Horizontal text only; keep the names that carry the copyright and licence.
                "--drop-tables+=vhea,vmtx,VORG",
                "--name-IDs=0,1,2,3,4,5,6,13,14",
                "--no-hinting",
            ],
            check=True,
        )
    lines = ["".join(chars[i : i + 40]) for i in range(0, len(chars), 40)]
    OUT_CHARS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    size = OUT_FONT.stat().st_size
    print(f"{OUT_FONT.relative_to(ROOT)}: {len(chars)} CJK characters, {size} bytes (from {font} face {face})")


if __name__ == "__main__":
    main()
