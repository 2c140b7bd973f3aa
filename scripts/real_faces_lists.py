#!/usr/bin/env python3
"""Writes the identity-disjoint splits of ../shared/data that facerep's real-face reports use.

Each database's identities, sorted by folder name, are cut in three: the last 40% (rounded) are
test only, the 2 before them are validation, the rest are trained on. From the 25 ORL, 24 Extended
Yale B, 30 Georgia Tech and 12 UMIST identities of ../shared/data that gives:

  train.csv          13 ORL, 12 Extended Yale B, 16 Georgia Tech and 5 UMIST identities:
                     46 identities, 1,222 images (130 + 757 + 240 + 95)
  validation.csv     2 identities of each database: 8 identities, 216 images (20 + 128 + 30 + 38),
                     the only data that may choose a checkpoint (best.ckpt)
  heldout_orl.csv    10 ORL identities x 10 images, test only
  heldout_yale.csv   10 Extended Yale B identities x 64 images, test only
  heldout_gt.csv     12 Georgia Tech identities x 15 images, test only
  heldout_umist.csv  5 UMIST identities x 19 images, test only
  yale_light.csv     every Extended Yale B image with its light direction (value_azimuth,
                     value_elevation, degrees, from the file name): 1,525 images of all 24
                     subjects, for few-shot regression

Each list is `path,identity` with absolute paths into the shared folder (nothing is copied) and
identities named `<database>/<folder>`. Usage: real_faces_lists.py SHARED_DATA_DIR OUT_DIR
"""
import csv
import os
import re
import sys

EXTS = (".pgm", ".png", ".jpg", ".jpeg", ".bmp")


def identities(root):
    return sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))


def rows(root, db, names):
    out = []
    for name in names:
        folder = os.path.join(root, name)
        for f in sorted(os.listdir(folder)):
            if f.lower().endswith(EXTS):
                out.append((os.path.abspath(os.path.join(folder, f)), f"{db}/{name}"))
    return out


def write(path, items):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["path", "identity"])
        w.writerows(items)
    print(f"{path}: {len(items)} images, {len({i for _, i in items})} identities")


# yaleBNN_P00A+035E+15.pgm: light azimuth +35 and elevation +15 degrees.
LIGHT = re.compile(r"_P00A([+-]\d+)E([+-]\d+)\.")


def light_rows(root, names):
    out = []
    for path, identity in rows(root, "extended_yaleb", names):
        m = LIGHT.search(os.path.basename(path))
        if m:  # the ambient images carry no direction
            out.append((path, identity, int(m.group(1)), int(m.group(2))))
    return out


# Short names of the held-out lists, in report order.
DATABASES = (("orl", "orl"), ("yale", "extended_yaleb"), ("gt", "georgia_tech"), ("umist", "umist"))
HELDOUT_FRACTION = 0.4
VALIDATION_PER_DATABASE = 2


def split(names):
    """Train, validation and held-out identities of one database: the held-out ones last, so adding
    identities to the end of a folder never moves an identity from test into training."""
    heldout = round(HELDOUT_FRACTION * len(names))
    rest = len(names) - heldout
    return names[:rest - VALIDATION_PER_DATABASE], names[rest - VALIDATION_PER_DATABASE:rest], names[rest:]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    data, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    train, validation = [], []
    for short, name in DATABASES:
        root = os.path.join(data, name)
        if not os.path.isdir(root):
            sys.exit(f"real_faces_lists.py: {root}: missing (see ../shared/data/README.md)")
        fit, val, test = split(identities(root))
        train += rows(root, name, fit)
        validation += rows(root, name, val)
        write(os.path.join(out, f"heldout_{short}.csv"), rows(root, name, test))
    write(os.path.join(out, "train.csv"), train)
    write(os.path.join(out, "validation.csv"), validation)
    # Light direction as scalar labels, for few-shot regression (every subject, trained on or not:
    # the label is new, not the faces).
    yale = os.path.join(data, "extended_yaleb")
    light = light_rows(yale, identities(yale))
    with open(os.path.join(out, "yale_light.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["path", "identity", "value_azimuth", "value_elevation"])
        w.writerows(light)
    print(f"{os.path.join(out, 'yale_light.csv')}: {len(light)} images with a light direction")


if __name__ == "__main__":
    main()
