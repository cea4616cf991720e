#!/bin/sh
# Regenerates the embedded subset fonts in fonts/ from Debian's fonts-noto-cjk (OFL-1.1).
# Needs: apt-get install fonts-noto-cjk; pip install fonttools.
# The SC (Simplified Chinese) face is face number 2 in each .ttc collection.
#
# Size budget (release binary < 70 MB per platform): only the body face carries every ideograph
# (URO U+4E00-9FFF and Extension A U+3400-4DBF, ~15 MB); the bold title face and the sans
# table face carry GB 2312 (6,763 hanzi) plus punctuation; a rarer character in a title or
# table falls back to the body face (Typst font fallback), and the glyph check before every
# compile uses the union of the three.
# The full face is subset WITHOUT layout closure (--layout-features=''): with it the font has
# ~47,000 glyphs, and glyph ids above 32767 render blank in Typst 0.15 (measured: 路 身 行 ：
# vanished from PNG and PDF). Without it the font has ~28,700 glyphs and ~9 MB.
# Run sequentially: each pyftsubset run needs ~1.5 GB of memory and minutes of CPU.
set -eu
SRC=${NOTO_DIR:-/usr/share/fonts/opentype/noto}
OUT=$(cd "$(dirname "$0")/../fonts" && pwd)
FULL="U+0020-007E,U+00A0-00FF,U+2000-206F,U+2100-214F,U+2150-218F,U+2190-21FF,U+2460-24FF,U+2500-257F,U+25A0-25FF,U+3000-303F,U+3200-32FF,U+3400-4DBF,U+4E00-9FFF,U+FE30-FE4F,U+FF00-FFEF"
TEXT=$(mktemp)
trap 'rm -f "$TEXT"' EXIT
python3 - "$TEXT" <<'PY'
import sys
chars = set()
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            chars.add(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
for lo, hi in [(0x20, 0x7F), (0xA0, 0x100), (0x2000, 0x2070), (0x3000, 0x3040),
               (0xFF00, 0xFFF0), (0x2460, 0x24A0)]:
    chars.update(chr(c) for c in range(lo, hi))
open(sys.argv[1], "w", encoding="utf-8").write("".join(sorted(chars)))
PY
pyftsubset "$SRC/NotoSerifCJK-Regular.ttc" --font-number=2 --unicodes="$FULL" \
  --layout-features='' --no-hinting --output-file="$OUT/NotoSerifCJKsc-Regular.otf"
pyftsubset "$SRC/NotoSerifCJK-Bold.ttc" --font-number=2 --text-file="$TEXT" \
  --no-hinting --output-file="$OUT/NotoSerifCJKsc-Bold.otf"
pyftsubset "$SRC/NotoSansCJK-Regular.ttc" --font-number=2 --text-file="$TEXT" \
  --no-hinting --output-file="$OUT/NotoSansCJKsc-Regular.otf"
ls -l "$OUT"/*.otf
