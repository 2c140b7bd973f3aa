#!/usr/bin/env python3
"""A small, self-contained PyTorch MAE (ViT encoder + MAE decoder) used as facerep's reference.

Parameter names follow timm's ViT and the public MAE code, so facerep can load the state dict by
name. Two uses:

  fixture: build a tiny MAE with a fixed seed, save its weights (as MAE checkpoints do:
           {"model": state_dict}), an input batch, the masking noise, and the loss PyTorch
           computes; the C++ test loads them and must reproduce the loss.
      mae_reference.py fixture --out DIR [--image 32 --patch 8 --width 32 --depth 2 --heads 4
                                          --dec-width 16 --dec-depth 1 --dec-heads 2 --batch 3]

  bench:   time full training steps (forward, backward, AdamW) like `facerep bench train`.
      mae_reference.py bench [--image 112 --patch 16 --width 384 --depth 12 --heads 6
                              --batch 32 --steps 10 --threads 2]
"""
import argparse
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def sincos_1d(dim, pos):
    omega = torch.arange(dim // 2, dtype=torch.float64) / (dim / 2.0)
    omega = 1.0 / 10000 ** omega
    out = pos.reshape(-1).to(torch.float64)[:, None] * omega[None, :]
    return torch.cat([torch.sin(out), torch.cos(out)], dim=1)


def sincos_2d(dim, grid, with_cls):
    """MAE's get_2d_sincos_pos_embed: first half encodes the column (w), second half the row."""
    coords = torch.arange(grid, dtype=torch.float64)
    gw, gh = torch.meshgrid(coords, coords, indexing="xy")  # gw[i, j] = j, gh[i, j] = i
    emb = torch.cat([sincos_1d(dim // 2, gw), sincos_1d(dim // 2, gh)], dim=1)
    if with_cls:
        emb = torch.cat([torch.zeros(1, dim, dtype=torch.float64), emb], dim=0)
    return emb.float().unsqueeze(0)


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, d = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q * (d // self.heads) ** -0.5) @ k.transpose(-2, -1)
        x = (attn.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, n, d)
        return self.proj(x)


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, heads, mlp_ratio=4.0):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    def __init__(self, patch, width):
        super().__init__()
        self.proj = nn.Conv2d(3, width, patch, patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class TinyMae(nn.Module):
    def __init__(self, image, patch, width, depth, heads, dec_width, dec_depth, dec_heads,
                 norm_pix):
        super().__init__()
        self.patch, self.grid, self.norm_pix = patch, image // patch, norm_pix
        n = self.grid ** 2
        self.patch_embed = PatchEmbed(patch, width)
        self.cls_token = nn.Parameter(torch.randn(1, 1, width) * 0.02)
        self.pos_embed = nn.Parameter(sincos_2d(width, self.grid, True), requires_grad=False)
        self.blocks = nn.ModuleList([Block(width, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(width, eps=1e-6)
        self.decoder_embed = nn.Linear(width, dec_width)
        self.mask_token = nn.Parameter(torch.randn(1, 1, dec_width) * 0.02)
        self.decoder_pos_embed = nn.Parameter(sincos_2d(dec_width, self.grid, True),
                                              requires_grad=False)
        self.decoder_blocks = nn.ModuleList([Block(dec_width, dec_heads) for _ in range(dec_depth)])
        self.decoder_norm = nn.LayerNorm(dec_width, eps=1e-6)
        self.decoder_pred = nn.Linear(dec_width, patch * patch * 3)
        assert self.pos_embed.shape[1] == n + 1

    def patchify(self, imgs):
        p, h = self.patch, self.grid
        x = imgs.reshape(imgs.shape[0], 3, h, p, h, p)
        return torch.einsum("nchpwq->nhwpqc", x).reshape(imgs.shape[0], h * h, p * p * 3)

    @staticmethod
    def random_masking(x, ratio, noise):
        b, n, d = x.shape
        len_keep = int(n * (1 - ratio))
        ids_shuffle = torch.argsort(noise, dim=1)
        ids_restore = torch.argsort(ids_shuffle, dim=1)
        ids_keep = ids_shuffle[:, :len_keep]
        x_masked = torch.gather(x, 1, ids_keep.unsqueeze(-1).repeat(1, 1, d))
        mask = torch.ones(b, n)
        mask[:, :len_keep] = 0
        return x_masked, torch.gather(mask, 1, ids_restore), ids_restore

    def forward_encoder(self, imgs, ratio, noise):
        x = self.patch_embed(imgs) + self.pos_embed[:, 1:, :]
        x, mask, ids_restore = self.random_masking(x, ratio, noise)
        cls = (self.cls_token + self.pos_embed[:, :1, :]).expand(x.shape[0], -1, -1)
        x = torch.cat([cls, x], dim=1)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x), mask, ids_restore

    def forward_decoder(self, x, ids_restore):
        x = self.decoder_embed(x)
        n = ids_restore.shape[1]
        mask_tokens = self.mask_token.repeat(x.shape[0], n + 1 - x.shape[1], 1)
        x_ = torch.cat([x[:, 1:, :], mask_tokens], dim=1)
        x_ = torch.gather(x_, 1, ids_restore.unsqueeze(-1).repeat(1, 1, x.shape[2]))
        x = torch.cat([x[:, :1, :], x_], dim=1) + self.decoder_pos_embed
        for blk in self.decoder_blocks:
            x = blk(x)
        return self.decoder_pred(self.decoder_norm(x))[:, 1:, :]

    def loss(self, imgs, pred, mask):
        target = self.patchify(imgs)
        if self.norm_pix:
            mean = target.mean(dim=-1, keepdim=True)
            var = target.var(dim=-1, keepdim=True)
            target = (target - mean) / (var + 1.0e-6) ** 0.5
        per_patch = ((pred - target) ** 2).mean(dim=-1)
        return (per_patch * mask).sum() / mask.sum()

    def forward(self, imgs, ratio, noise):
        latent, mask, ids_restore = self.forward_encoder(imgs, ratio, noise)
        pred = self.forward_decoder(latent, ids_restore)
        return self.loss(imgs, pred, mask), pred, mask


def build(args):
    return TinyMae(args.image, args.patch, args.width, args.depth, args.heads, args.dec_width,
                   args.dec_depth, args.dec_heads, args.norm_pix)


def make_fixture(args):
    torch.manual_seed(args.seed)
    model = build(args)
    # Non-trivial weights everywhere (defaults leave biases near zero and norms at identity).
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.requires_grad:
                p.add_(torch.randn_like(p) * 0.05)
    imgs = torch.randn(args.batch, 3, args.image, args.image)
    noise = torch.rand(args.batch, model.grid ** 2)
    loss, pred, mask = model(imgs, args.ratio, noise)
    model.norm_pix = not model.norm_pix
    loss_other, _, _ = model(imgs, args.ratio, noise)
    model.norm_pix = not model.norm_pix
    loss_norm_pix, loss_raw = (loss, loss_other) if args.norm_pix else (loss_other, loss)
    os.makedirs(args.out, exist_ok=True)
    torch.save({"model": model.state_dict()}, os.path.join(args.out, "mae.pth"))
    torch.save({"images": imgs, "noise": noise, "loss": loss.detach().reshape(1),
                "loss_norm_pix": loss_norm_pix.detach().reshape(1),
                "loss_raw": loss_raw.detach().reshape(1),
                "pred": pred.detach(), "mask": mask,
                "config": torch.tensor([args.image, args.patch, args.width, args.depth, args.heads,
                                        args.dec_width, args.dec_depth, args.dec_heads,
                                        int(args.norm_pix)])},
               os.path.join(args.out, "fixture.pth"))
    print(f"loss {loss.item():.8f}")


def bench(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = build(args)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1.5e-4,
                            betas=(0.9, 0.95), weight_decay=0.05)
    imgs = torch.randn(args.batch, 3, args.image, args.image)
    n = model.grid ** 2

    def step():
        loss, _, _ = model(imgs, args.ratio, torch.rand(args.batch, n))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    seconds = time.perf_counter() - start
    print(f"mae_reference bench: image {args.image} patch {args.patch} width {args.width} "
          f"depth {args.depth} batch {args.batch} threads {torch.get_num_threads()}: "
          f"{args.steps * args.batch / seconds:.2f} img/s ({seconds / args.steps * 1000:.0f} ms/step)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("mode", choices=["fixture", "bench"])
    ap.add_argument("--out", default="mae_fixture")
    ap.add_argument("--image", type=int)
    ap.add_argument("--patch", type=int)
    ap.add_argument("--width", type=int)
    ap.add_argument("--depth", type=int)
    ap.add_argument("--heads", type=int)
    ap.add_argument("--dec-width", type=int)
    ap.add_argument("--dec-depth", type=int)
    ap.add_argument("--dec-heads", type=int)
    ap.add_argument("--batch", type=int)
    ap.add_argument("--ratio", type=float, default=0.75)
    ap.add_argument("--no-norm-pix", dest="norm_pix", action="store_false")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    tiny = dict(image=32, patch=8, width=32, depth=2, heads=4, dec_width=16, dec_depth=1,
                dec_heads=2, batch=3)
    vit_s = dict(image=112, patch=16, width=384, depth=12, heads=6, dec_width=512, dec_depth=8,
                 dec_heads=16, batch=32)
    for k, v in (tiny if args.mode == "fixture" else vit_s).items():
        if getattr(args, k) is None:
            setattr(args, k, v)
    make_fixture(args) if args.mode == "fixture" else bench(args)


if __name__ == "__main__":
    main()
