#!/usr/bin/env python3
"""Reference timing: one IResNet-50 + ArcFace training step in PyTorch's Python API.

Written for facerep's side-by-side benchmark (docs/benchmarks.md, "Recognition"): the same model
(IResNet-50 as published with ArcFace: 3x3 stem, improved basic blocks BN-conv-BN-PReLU-conv-BN,
stages [3, 4, 14, 3], BN-dropout-FC-BN embedding head), the same loss (additive angular margin,
s = 64, m = 0.5) and the same optimizer (SGD, momentum 0.9, weight decay 5e-4) as
`facerep bench train configs/recognition/arcface_iresnet50.yaml`.

Run it with the tuned allocator, as facerep does for itself:
  MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 \
    python3 scripts/bench_pytorch_arcface.py --threads 2 --batch 32 --steps 5 --warmup 2
Prints one JSON line (median and p90 step time, images/s, peak RSS).
"""
import argparse
import json
import math
import resource
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv3x3(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, 3, stride, 1, bias=False)


class Block(nn.Module):
    """Improved residual unit: BN, conv, BN, PReLU, conv (carries the stride), BN."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin, eps=1e-5)
        self.conv1 = conv3x3(cin, cout)
        self.bn2 = nn.BatchNorm2d(cout, eps=1e-5)
        self.prelu = nn.PReLU(cout)
        self.conv2 = conv3x3(cout, cout, stride)
        self.bn3 = nn.BatchNorm2d(cout, eps=1e-5)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                            nn.BatchNorm2d(cout, eps=1e-5))

    def forward(self, x):
        out = self.bn3(self.conv2(self.prelu(self.bn2(self.conv1(self.bn1(x))))))
        return out + (x if self.downsample is None else self.downsample(x))


class IResNet(nn.Module):
    def __init__(self, layers=(3, 4, 14, 3), width=64, embedding=512, image_size=112):
        super().__init__()
        self.conv1 = conv3x3(3, width)
        self.bn1 = nn.BatchNorm2d(width, eps=1e-5)
        self.prelu = nn.PReLU(width)
        stages, cin = [], width
        for i, n in enumerate(layers):
            cout = width * 2 ** i
            blocks = [Block(cin, cout, 2)] + [Block(cout, cout, 1) for _ in range(n - 1)]
            stages.append(nn.Sequential(*blocks))
            cin = cout
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.bn2 = nn.BatchNorm2d(cin, eps=1e-5)
        side = image_size // 16
        self.dropout = nn.Dropout(0.0)
        self.fc = nn.Linear(cin * side * side, embedding)
        self.features = nn.BatchNorm1d(embedding, eps=1e-5)

    def forward(self, x):
        x = self.prelu(self.bn1(self.conv1(x)))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = self.dropout(self.bn2(x).flatten(1))
        return self.features(self.fc(x))


class ArcFace(nn.Module):
    """s * cos(theta + m) for the target class, s * cos(theta) elsewhere, then cross-entropy."""

    def __init__(self, embedding, classes, s=64.0, m=0.5):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(classes, embedding) * 0.01)
        self.s, self.m = s, m

    def forward(self, emb, labels):
        cos = F.linear(F.normalize(emb), F.normalize(self.weight)).clamp(-1 + 1e-7, 1 - 1e-7)
        target = cos.gather(1, labels[:, None])
        theta = torch.acos(target)
        cos = cos.scatter(1, labels[:, None], torch.cos(theta + self.m))
        return F.cross_entropy(self.s * cos, labels)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--classes", type=int, default=100)
    ap.add_argument("--image-size", type=int, default=112)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = IResNet(image_size=args.image_size)
    head = ArcFace(512, args.classes)
    decay, no_decay = [], []
    for p in list(model.parameters()) + list(head.parameters()):
        (no_decay if p.dim() <= 1 else decay).append(p)
    opt = torch.optim.SGD([{"params": decay, "weight_decay": 5e-4}, {"params": no_decay, "weight_decay": 0.0}],
                          lr=0.1, momentum=0.9)
    images = torch.randn(args.batch, 3, args.image_size, args.image_size)
    labels = torch.randint(0, args.classes, (args.batch,))
    model.train()
    times, loss = [], float("nan")
    for step in range(args.warmup + args.steps):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=False)
        out = head(model(images), labels)
        out.backward()
        opt.step()
        loss = out.item()
        if step >= args.warmup:
            times.append(time.perf_counter() - t0)
    times_sorted = sorted(times)
    p90 = times_sorted[min(len(times) - 1, math.ceil(0.9 * len(times)) - 1)]
    median = statistics.median(times)
    print(json.dumps({
        "framework": "pytorch " + torch.__version__, "threads": torch.get_num_threads(),
        "batch_size": args.batch, "steps": len(times), "warmup": args.warmup,
        "images_per_s_median": args.batch / median, "step_s_median": median, "step_s_p90": p90,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "final_loss": loss,
    }))


if __name__ == "__main__":
    main()
