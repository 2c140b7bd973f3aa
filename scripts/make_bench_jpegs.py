#!/usr/bin/env python3
"""Writes the JPEG folder the data-pipeline benchmark reads (docs/benchmarks.md): every image of
../shared/data/extended_yaleb (1,525 grey faces, 168x192) as a 250x250 RGB JPEG, quality 90, in
OUT/<identity>/<name>.jpg; LFW's size and format. Needs Pillow (Debian: python3-pil).
Usage: make_bench_jpegs.py SHARED_DATA_DIR OUT_DIR
"""
import os
import sys

from PIL import Image


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src = os.path.join(sys.argv[1], "extended_yaleb")
    out = sys.argv[2]
    count = 0
    for identity in sorted(os.listdir(src)):
        os.makedirs(os.path.join(out, identity), exist_ok=True)
        for name in sorted(os.listdir(os.path.join(src, identity))):
            image = Image.open(os.path.join(src, identity, name)).convert("RGB").resize((250, 250), Image.BILINEAR)
            image.save(os.path.join(out, identity, os.path.splitext(name)[0] + ".jpg"), quality=90)
            count += 1
    print(f"{out}: {count} JPEGs")


if __name__ == "__main__":
    main()
