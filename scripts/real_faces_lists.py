#!/usr/bin/env python3
"""Writes the identity-disjoint splits of ../shared/data that facerep's real-face reports use.

  train.csv        every Extended Yale B and UMIST identity, the first 10 ORL identities and the
                   first 12 Georgia Tech identities (sorted by folder name): 58 identities, 2,033 images
  validation.csv   ORL identities 11-13 and Georgia Tech identities 13-15: 6 identities, 75 images,
                   the only data that may choose a checkpoint (best.ckpt)
  heldout_orl.csv  the other 12 ORL identities (10 images each), test only
  heldout_gt.csv   the other 15 Georgia Tech identities (15 images each), test only
  yale_light.csv   every Extended Yale B image with its light direction (value_azimuth,
                   value_elevation, degrees, from the file name): few-shot regression

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


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    data, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    db = {name: os.path.join(data, name) for name in ("extended_yaleb", "umist", "orl", "georgia_tech")}
    for name, root in db.items():
        if not os.path.isdir(root):
            sys.exit(f"real_faces_lists.py: {root}: missing (see ../shared/data/README.md)")
    orl, gt = identities(db["orl"]), identities(db["georgia_tech"])
    train = rows(db["extended_yaleb"], "extended_yaleb", identities(db["extended_yaleb"]))
    train += rows(db["umist"], "umist", identities(db["umist"]))
    train += rows(db["orl"], "orl", orl[:10]) + rows(db["georgia_tech"], "georgia_tech", gt[:12])
    write(os.path.join(out, "train.csv"), train)
    # Carved out of the former training identities so the test lists stay exactly as they were.
    validation = rows(db["orl"], "orl", orl[10:13]) + rows(db["georgia_tech"], "georgia_tech", gt[12:15])
    write(os.path.join(out, "validation.csv"), validation)
    write(os.path.join(out, "heldout_orl.csv"), rows(db["orl"], "orl", orl[13:]))
    write(os.path.join(out, "heldout_gt.csv"), rows(db["georgia_tech"], "georgia_tech", gt[15:]))
    # Light direction as scalar labels, for few-shot regression (identities as in training: the
    # label is new, not the faces).
    light = light_rows(db["extended_yaleb"], identities(db["extended_yaleb"]))
    with open(os.path.join(out, "yale_light.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["path", "identity", "value_azimuth", "value_elevation"])
        w.writerows(light)
    print(f"{os.path.join(out, 'yale_light.csv')}: {len(light)} images with a light direction")


if __name__ == "__main__":
    main()
