#!/usr/bin/env python3
"""Python baseline for `facerep bench data`: torchvision ImageFolder + DataLoader with
RandomResizedCrop(112), RandomHorizontalFlip, ToTensor, Normalize(0.5, 0.5), batch 64,
2 persistent workers. Prints JSON with images/s (median of --runs timed runs after a warm-up
batch), the same statistic facerep reports.

    python3 scripts/bench_torchvision_data.py /tmp/faces_jpeg --images 2048 --runs 3
"""
import argparse
import json
import statistics
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", help="image folder: <folder>/<identity>/<image>")
    parser.add_argument("--images", type=int, default=2048, help="images per timed run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    try:
        import torch
        from torchvision import datasets, transforms
    except ImportError as e:
        print(f"bench_torchvision_data: needs torch and torchvision ({e}); "
              "on Debian: apt-get install python3-torchvision", file=sys.stderr)
        return 2

    torch.set_num_threads(1)  # the workers are the parallelism, as in facerep's loader
    pipeline = transforms.Compose([
        transforms.RandomResizedCrop(112),
        transforms.RandomHorizontalFlip(),
        transforms.ToTensor(),
        transforms.Normalize([0.5] * 3, [0.5] * 3),
    ])
    dataset = datasets.ImageFolder(args.folder, transform=pipeline)
    loader = torch.utils.data.DataLoader(dataset, batch_size=args.batch, shuffle=True,
                                         num_workers=args.workers, persistent_workers=args.workers > 0,
                                         drop_last=False)

    def batches():
        while True:
            for images, _ in loader:
                yield images.shape[0]

    stream = batches()
    next(stream)  # warm-up: workers started, first batch
    rates = []
    for _ in range(args.runs):
        count, t0 = 0, time.perf_counter()
        while count < args.images:
            count += next(stream)
        rates.append(count / (time.perf_counter() - t0))
    print(json.dumps({
        "baseline": "torchvision ImageFolder + DataLoader",
        "torch": torch.__version__,
        "images": len(dataset),
        "batch_size": args.batch,
        "workers": args.workers,
        "runs": args.runs,
        "statistic": "median",
        "images_per_s": round(statistics.median(rates), 1),
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
