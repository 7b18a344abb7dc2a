#!/usr/bin/env bash
# Regenerates the sign fonts in this folder: Noto Sans CJK SC (SIL OFL 1.1),
# Regular and Bold, subset to every character GBK can encode (20,923 Han plus
# symbols), so rare place-name characters such as 堃 are drawn.
#
# Needs: Debian's package source (apt-get) and Python with fonttools (pip install fonttools).
# Run from anywhere:  themes/default/fonts/subset.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

apt-get download fonts-noto-cjk
dpkg-deb -x fonts-noto-cjk_*.deb pkg
src=pkg/usr/share/fonts/opentype/noto

python3 - <<'PY' > chars.txt
# Every character GBK encodes, plus the few symbols the signs and pages use.
chars = []
for cp in range(0x20, 0x10000):
    if 0xD800 <= cp <= 0xDFFF:
        continue
    try:
        chr(cp).encode("gbk")
        chars.append(chr(cp))
    except UnicodeEncodeError:
        pass
chars += list("←→↑↓↗↘↖↙·•—–…“”‘’《》〈〉「」『』【】〔〕（）：；，。、！？　")
print("".join(sorted(set(chars))))
PY

for weight in Regular Bold; do
  # Face 2 of the collection is "Noto Sans CJK SC". Keep the vertical-writing
  # and spacing features; drop `locl`, which would pull in JP/KR/TC glyphs.
  pyftsubset "$src/NotoSansCJK-$weight.ttc" --font-number=2 \
    --text-file=chars.txt \
    --layout-features='kern,vert,vrt2,vkrn,palt,vpal' \
    --no-hinting --desubroutinize \
    --name-IDs='*' --name-languages='*' \
    --output-file="$here/NotoSansSC-$weight-GBK.otf"
done
# The licence travels with the font (OFL.txt is written by hand from Debian's
# copyright file; check it still matches).
grep -q "SIL OPEN FONT LICENSE Version 1.1" pkg/usr/share/doc/fonts-noto-cjk/copyright
ls -l "$here"
