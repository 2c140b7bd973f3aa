#!/usr/bin/env python3
"""A plain PyTorch ArcFace on the real-face lists, the reference for facerep's supervised recipe.

Trains a small CNN (four stages of two 3x3 conv-BN-PReLU layers, 32/64/144/288 channels, 2x2 max
pooling between them, the last grid averaged to 4x4, then a linear 128-d embedding with batch
norm: 2.05M parameters) on 64x64 grey faces with an additive angular margin (--scale, default
64; --margin, default 0.5; scripts/real_faces.sh passes the values of facerep's recipe) over
the identities of train.csv, SGD (momentum 0.9, weight decay 5e-4 on conv and
linear weights and the class centres, none on norms and biases), lr 0.1 with a 20-step linear
warm-up and a cosine decay to 0, random horizontal flips. Then it scores each heldout_*.csv of
the lists folder as facerep's evaluators do (src/eval/identification_metrics.cpp,
src/eval/pair_list.cpp, src/eval/verification_metrics.cpp):

  kshot   all-way 1-shot (ways: 0, queries: 0): each episode draws one support image per identity
          and queries every other image; a query goes to the nearest (cosine) normalised support
          centroid; episode accuracy = right queries / queries; mean ± 1.96·std/√episodes over
          300 episodes (population std).
  pairs   400 generated pairs alternating same/different: a same pair is two distinct images of an
          identity drawn among those with two or more; a different pair one image each of two
          distinct identities. Cosine scores; 10 consecutive folds; each fold's threshold is the
          candidate (below all, midpoints of distinct scores, above all) that calls "score > t"
          same most accurately on the other 9 folds; mean ± population std of the fold accuracies.

Differences from facerep: the draws come from Python's random.Random(seed), not the mt19937_64
stream of src/eval/portable_random.h, so episodes and pairs are other samples of the same
protocol; images are read with PIL as one grey channel (facerep reads three equal channels); the
resize is bilinear without antialiasing like OpenCV's INTER_LINEAR, on floats rather than bytes;
the margin is the plain cos(θ + m) of scripts/bench_pytorch_arcface.py everywhere (facerep falls
back to a monotone penalty where θ + m passes π).

  /usr/bin/python3 scripts/arcface_reference.py --lists runs/real_faces_64/lists --out ref.json
Options: --lists DIR, --steps 570, --batch 64, --size 64, --threads 2, --seed 0, --out JSON.
Prints one JSON object: per held-out set its kshot and pairs figures, plus the training summary.
"""
import argparse
import csv
import glob
import json
import math
import os
import random
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

from bench_pytorch_arcface import ArcFace  # the margin loss of the speed comparison, s·cos(θ + m)


REPORT_ORDER = ["orl", "yale", "gt", "umist"]  # scripts/real_faces_lists.py's held-out lists


def read_list(path, size):
    """Images [N,1,size,size] standardised to [-1, 1] and identity indices [N], in list order."""
    images, names = [], []
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            grey = Image.open(row["path"]).convert("L")
            x = torch.frombuffer(bytearray(grey.tobytes()), dtype=torch.uint8).float()
            x = x.view(1, 1, grey.height, grey.width) / 255.0
            # Squeezed to size x size whatever the aspect ratio, as facerep's `resize` does.
            x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
            images.append((x[0] - 0.5) / 0.5)
            names.append(row["identity"])
    index = {n: i for i, n in enumerate(sorted(set(names)))}
    return torch.stack(images), torch.tensor([index[n] for n in names])


def conv_bn(cin, cout):
    return [nn.Conv2d(cin, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout), nn.PReLU(cout)]


class Net(nn.Module):
    def __init__(self, size, dim=128, widths=(32, 64, 144, 288)):
        super().__init__()
        layers, cin = [], 1
        for k, w in enumerate(widths):
            layers += conv_bn(cin, w) + conv_bn(w, w)
            if k < len(widths) - 1:
                layers.append(nn.MaxPool2d(2))
            cin = w
        self.features = nn.Sequential(*layers)
        side = size // 2 ** (len(widths) - 1)
        # Four stages at 64x64 leave an 8x8 grid; pool it to 4x4 before the linear head.
        self.pool = nn.AdaptiveAvgPool2d(min(side, 4))
        self.embed = nn.Linear(cin * min(side, 4) ** 2, dim, bias=False)
        self.bn = nn.BatchNorm1d(dim)

    def forward(self, x):
        return self.bn(self.embed(self.pool(self.features(x)).flatten(1)))


def lr_at(step, steps, base, warmup):
    if step < warmup:
        return base * step / warmup
    return 0.5 * base * (1 + math.cos(math.pi * (step - warmup) / max(1, steps - warmup)))


def train(args, x, y):
    net, head = Net(args.size), ArcFace(128, int(y.max()) + 1, args.scale, args.margin)
    decay, plain = [], []
    for p in list(net.parameters()) + list(head.parameters()):
        (decay if p.dim() > 1 else plain).append(p)
    opt = torch.optim.SGD([{"params": decay, "weight_decay": 5e-4}, {"params": plain, "weight_decay": 0.0}],
                          lr=args.lr, momentum=0.9)
    gen = torch.Generator().manual_seed(args.seed)
    per_epoch = len(y) // args.batch  # the last incomplete batch is dropped, as facerep does
    step, losses, start = 0, [], time.time()
    net.train()
    while step < args.steps:
        order = torch.randperm(len(y), generator=gen)
        for b in range(per_epoch):
            if step >= args.steps:
                break
            rows = order[b * args.batch:(b + 1) * args.batch]
            images = x[rows]
            flip = torch.rand(len(rows), generator=gen) < 0.5
            images = torch.where(flip[:, None, None, None], images.flip(3), images)
            for group in opt.param_groups:
                group["lr"] = lr_at(step, args.steps, args.lr, args.warmup)
            loss = head(net(images), y[rows])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
            step += 1
    tail = losses[-min(len(losses), 20):]
    return net, {"steps": step, "seconds": round(time.time() - start, 1),
                 "final_loss": round(sum(tail) / len(tail), 4)}


@torch.no_grad()
def embed(net, x):
    net.eval()
    return F.normalize(torch.cat([net(x[i:i + 256]) for i in range(0, len(x), 256)]))


def mean_ci(values):
    n = len(values)
    mean = sum(values) / n
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / n)
    return mean, 1.96 * std / math.sqrt(n), std


def kshot_all_way(e, y, episodes, shots, rng):
    by_id = {}
    for i, c in enumerate(y.tolist()):
        by_id.setdefault(c, []).append(i)
    ids = [c for c in sorted(by_id) if len(by_id[c]) > shots]
    accuracies = []
    for _ in range(episodes):
        centroids, queries, truth = [], [], []
        for k, c in enumerate(ids):
            rows = by_id[c][:]
            rng.shuffle(rows)
            centroids.append(e[rows[:shots]].mean(0))
            queries += rows[shots:]
            truth += [k] * (len(rows) - shots)
        protos = F.normalize(torch.stack(centroids))
        pred = (e[queries] @ protos.t()).argmax(1)
        accuracies.append((pred == torch.tensor(truth)).double().mean().item())
    mean, ci95, std = mean_ci(accuracies)
    return {"accuracy": mean, "ci95": ci95, "std": std, "episodes": episodes, "ways": len(ids)}


def generate_pairs(y, count, rng):
    by_id = {}
    for i, c in enumerate(y.tolist()):
        by_id.setdefault(c, []).append(i)
    ids = sorted(by_id)
    multi = [c for c in ids if len(by_id[c]) >= 2]
    pairs = []
    for k in range(count):
        if k % 2 == 0:
            a, b = rng.sample(by_id[rng.choice(multi)], 2)
        else:
            ca, cb = rng.sample(ids, 2)
            a, b = rng.choice(by_id[ca]), rng.choice(by_id[cb])
        pairs.append((a, b, k % 2 == 0))
    return pairs


def best_threshold(scores, same):
    s = sorted(set(scores))
    candidates = [s[0] - 1.0] + [(p + q) / 2 for p, q in zip(s, s[1:])] + [s[-1] + 1.0]
    best_t, best = candidates[0], -1
    for t in candidates:  # a few hundred pairs: the plain sweep is fast enough
        right = sum((v > t) == m for v, m in zip(scores, same))
        if right > best:
            best_t, best = t, right
    return best_t


def pair_accuracy(e, y, count, folds, rng):
    pairs = generate_pairs(y, count, rng)
    scores = [float(e[a] @ e[b]) for a, b, _ in pairs]
    same = [m for _, _, m in pairs]
    n, accs = len(pairs), []
    for f in range(folds):
        lo, hi = n * f // folds, n * (f + 1) // folds
        t = best_threshold(scores[:lo] + scores[hi:], same[:lo] + same[hi:])
        accs.append(sum((v > t) == m for v, m in zip(scores[lo:hi], same[lo:hi])) / (hi - lo))
    mean = sum(accs) / folds
    std = math.sqrt(sum((a - mean) ** 2 for a in accs) / folds)
    return {"accuracy": mean, "accuracy_std": std, "pairs": n}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lists", default="runs/real_faces_64/lists")
    ap.add_argument("--steps", type=int, default=570)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--scale", type=float, default=64.0)
    ap.add_argument("--margin", type=float, default=0.5)
    ap.add_argument("--episodes", type=int, default=300)
    ap.add_argument("--pairs", type=int, default=400)
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    if args.size % 8:
        ap.error("--size must be a multiple of 8 (three 2x2 poolings)")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x, y = read_list(os.path.join(args.lists, "train.csv"), args.size)
    net, summary = train(args, x, y)
    summary.update(identities=int(y.max()) + 1, images=len(y),
                   parameters=sum(p.numel() for p in net.parameters()))
    result = {"method": "pytorch_arcface", "size": args.size, "seed": args.seed, "train": summary}
    names = [os.path.basename(p)[len("heldout_"):-len(".csv")]
             for p in glob.glob(os.path.join(args.lists, "heldout_*.csv"))]
    for name in sorted(names, key=lambda n: (REPORT_ORDER.index(n) if n in REPORT_ORDER else 99, n)):
        path = os.path.join(args.lists, f"heldout_{name}.csv")
        hx, hy = read_list(path, args.size)
        e = embed(net, hx)
        rng = random.Random(args.seed)
        result[f"{name}_kshot"] = kshot_all_way(e, hy, args.episodes, 1, rng)
        result[f"{name}_pairs"] = pair_accuracy(e, hy, args.pairs, 10, rng)
    text = json.dumps(result)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
