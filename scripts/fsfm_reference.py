#!/usr/bin/env python3
"""FSFM's pre-training forward pass in plain PyTorch, written from the authors' description
(fsfm-3c/models_fsfm.py and pretrain/engine_pretrain.py of wolo-wolo/FSFM-CVPR25) with their
parameter names, as facerep's numerical reference for `objective: {type: fsfm}`.

  fixture: build a tiny FSFM online network and a target network with a fixed seed, run one
           forward/backward on given images, masks and facial-region masks, and save
             online.pth  {"model": online state dict}     (authors' names)
             target.pth  {"model": target state dict}     (TargetNetworkViT's names)
             fixture.pth images, img_mask [B,N] (1 = removed), region_mask [B,N], the three loss
                         terms, the total, and "grad.<name>" for every online parameter.
             checkpoint-400.pth  the online weights as the authors' released checkpoints hold
                         them (beside optimizer, epoch, scaler and an argparse Namespace).
      fsfm_reference.py fixture --out DIR

  bench:   time full pre-training steps like `facerep bench train`: the online forward (masked
           encoder, representation decoder over all tokens, BYOL heads, pixel decoder), the
           target on the same image unmasked, the three terms, backward, gradient clipping at 1.0
           and AdamW (the authors' loss_scaler(clip_grad=1.0) in fp32), then the EMA update of
           the target. Masks are random at 75%; the region is 10 of the removed patches (CRFR-P
           picks a facial region; the cost is the same).
      fsfm_reference.py bench [--image 112 --patch 16 --width 384 --depth 12 --heads 6
                               --batch 32 --steps 8 --warmup 2 --threads 2]

The building blocks (ViT block, patch embedding, sin-cos table) are mae_reference.py's.
"""
import argparse
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mae_reference import Block, PatchEmbed, sincos_2d  # noqa: E402


class ByolMlp(nn.Module):
    """Linear -> LayerNorm -> ReLU -> Linear under `projection_head`, as the authors' BYOLMLP."""

    def __init__(self, dim, out, hidden):
        super().__init__()
        self.projection_head = nn.Sequential(nn.Linear(dim, hidden), nn.LayerNorm(hidden),
                                             nn.ReLU(inplace=True), nn.Linear(hidden, out))

    def forward(self, x):
        return self.projection_head(x)


class Branch(nn.Module):
    """Encoder + representation decoder + projector: what online and target networks share."""

    def __init__(self, a):
        super().__init__()
        self.grid = a.image // a.patch
        self.patch = a.patch
        d = a.width
        self.patch_embed = PatchEmbed(a.patch, d)
        self.cls_token = nn.Parameter(torch.randn(1, 1, d) * 0.02)
        self.pos_embed = nn.Parameter(sincos_2d(d, self.grid, True), requires_grad=False)
        self.blocks = nn.ModuleList([Block(d, a.heads) for _ in range(a.depth)])
        self.norm = nn.LayerNorm(d, eps=1e-6)
        self.projector = ByolMlp(d, a.proj_dim, a.proj_hidden)
        self.mask_token = nn.Parameter(torch.randn(1, 1, d) * 0.02)
        self.rep_decoder_embed = nn.Linear(d, d)
        self.rep_decoder_pos_embed = nn.Parameter(sincos_2d(d, self.grid, True), requires_grad=False)
        self.rep_decoder_blocks = nn.ModuleList([Block(d, a.rep_heads) for _ in range(a.rep_depth)])
        self.rep_decoder_norm = nn.LayerNorm(d, eps=1e-6)
        self.rep_decoder_pred = nn.Linear(d, d)

    def forward_encoder(self, imgs, img_mask, ratio):
        x = self.patch_embed(imgs) + self.pos_embed[:, 1:, :]
        n, length, d = x.shape
        ids_shuffle = torch.argsort(img_mask, dim=1)  # 0 = kept sorts first
        ids_restore = torch.argsort(ids_shuffle, dim=1)
        ids_keep = ids_shuffle[:, :int(length * (1 - ratio))]
        x = torch.gather(x, 1, ids_keep.unsqueeze(-1).repeat(1, 1, d))
        cls = (self.cls_token + self.pos_embed[:, :1, :]).expand(n, -1, -1)
        x = torch.cat([cls, x], dim=1)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x), ids_restore

    def unshuffle_with_mask_tokens(self, x, ids_restore):
        """Kept tokens then mask tokens, back in patch order; the class token stays first."""
        fill = self.mask_token.repeat(x.shape[0], ids_restore.shape[1] + 1 - x.shape[1], 1)
        rest = torch.cat([x[:, 1:, :], fill], dim=1)
        rest = torch.gather(rest, 1, ids_restore.unsqueeze(-1).repeat(1, 1, x.shape[2]))
        return torch.cat([x[:, :1, :], rest], dim=1)

    def forward_rep_decoder(self, latent, ids_restore):
        x = self.unshuffle_with_mask_tokens(self.rep_decoder_embed(latent), ids_restore)
        x = x + self.rep_decoder_pos_embed
        for blk in self.rep_decoder_blocks:
            x = blk(x)
        return self.rep_decoder_pred(self.rep_decoder_norm(x))


class Online(Branch):
    def __init__(self, a):
        super().__init__(a)
        self.predictor = ByolMlp(a.proj_dim, a.proj_dim, a.proj_hidden)
        self.decoder_embed = nn.Linear(a.width, a.dec_width)
        self.decoder_pos_embed = nn.Parameter(sincos_2d(a.dec_width, self.grid, True), requires_grad=False)
        self.decoder_blocks = nn.ModuleList([Block(a.dec_width, a.dec_heads) for _ in range(a.dec_depth)])
        self.decoder_norm = nn.LayerNorm(a.dec_width, eps=1e-6)
        self.decoder_pred = nn.Linear(a.dec_width, a.patch * a.patch * 3)

    def forward_decoder(self, latent, ids_restore):
        # The pixel decoder appends the (shared, encoder-width) mask token before decoder_embed.
        x = self.decoder_embed(self.unshuffle_with_mask_tokens(latent, ids_restore))
        x = x + self.decoder_pos_embed
        for blk in self.decoder_blocks:
            x = blk(x)
        return self.decoder_pred(self.decoder_norm(x))[:, 1:, :]

    def patchify(self, imgs):
        p, h = self.patch, self.grid
        x = imgs.reshape(imgs.shape[0], 3, h, p, h, p)
        return torch.einsum("nchpwq->nhwpqc", x).reshape(imgs.shape[0], h * h, p * p * 3)

    def forward(self, imgs, img_mask, region_mask, ratio, norm_pix):
        latent, ids_restore = self.forward_encoder(imgs, img_mask, ratio)
        feat = self.forward_rep_decoder(latent, ids_restore).mean(dim=1)
        features_cl = F.normalize(self.predictor(self.projector(feat)), dim=-1)
        pred = self.forward_decoder(latent, ids_restore)
        target = self.patchify(imgs)
        if norm_pix:
            mean = target.mean(dim=-1, keepdim=True)
            var = target.var(dim=-1, keepdim=True)
            target = (target - mean) / (var + 1.0e-6) ** 0.5
        per_patch = ((pred - target) ** 2).mean(dim=-1)
        rec_all = (per_patch * img_mask).sum() / img_mask.sum()
        rec_region = (per_patch * region_mask).sum() / region_mask.sum()
        return rec_all, rec_region, features_cl


class Target(Branch):
    def forward(self, imgs, img_mask):
        latent, ids_restore = self.forward_encoder(imgs, img_mask, 0.0)  # every patch visible
        feat = self.forward_rep_decoder(latent, ids_restore).mean(dim=1)
        return F.normalize(self.projector(feat), dim=-1)


def simsiam_loss(p, z):
    """The authors' SimSiamLoss: half the negative mean cosine."""
    return -F.cosine_similarity(p, z, dim=1).mean() * 0.5


def perturb(model, scale):
    # Non-trivial weights everywhere (defaults leave biases at zero and norms at identity).
    with torch.no_grad():
        for p in model.parameters():
            if p.requires_grad:
                p.add_(torch.randn_like(p) * scale)


def save_release_style(a, online):
    """checkpoint-400.pth as the authors' misc.save_model writes the released files: the online
    state dict under "model" beside optimizer state, epoch, loss-scaler state and the argparse
    Namespace of the run (a Python class a C++ reader cannot rebuild)."""
    opt = torch.optim.AdamW(online.parameters(), lr=1.5e-4, betas=(0.9, 0.95))
    opt.step()  # gradients are there: the optimizer state then holds tensors
    args = argparse.Namespace(model="fsfm_vit_base_patch16", mask_ratio=a.ratio, weight_sfr=a.w_region,
                              weight_cl=a.w_id, cl_loss="SimSiam", norm_pix_loss=a.norm_pix)
    torch.save({"model": online.state_dict(), "optimizer": opt.state_dict(), "epoch": 400,
                "scaler": {"scale": 65536.0, "growth_factor": 2.0, "backoff_factor": 0.5,
                           "growth_interval": 2000, "_growth_tracker": 0},
                "args": args},
               os.path.join(a.out, "checkpoint-400.pth"))


def make_fixture(a):
    torch.manual_seed(a.seed)
    online, target = Online(a), Target(a)
    perturb(online, 0.05)
    target.load_state_dict(online.state_dict(), strict=False)
    perturb(target, 0.02)  # an EMA target differs from the online weights
    n = (a.image // a.patch) ** 2
    keep = int(n * (1 - a.ratio))
    imgs = torch.randn(a.batch, 3, a.image, a.image)
    img_mask = torch.ones(a.batch, n)
    region_mask = torch.zeros(a.batch, n)
    for i in range(a.batch):
        order = torch.randperm(n)
        img_mask[i, order[:keep]] = 0
        region_mask[i, order[keep:keep + 3]] = 1  # some hidden patches form the "region"
    rec_all, rec_region, feat = online(imgs, img_mask, region_mask, a.ratio, a.norm_pix)
    with torch.no_grad():
        feat_target = target(imgs, img_mask)
    instance = simsiam_loss(feat, feat_target)
    total = rec_all + a.w_region * rec_region + a.w_id * instance
    total.backward()
    os.makedirs(a.out, exist_ok=True)
    torch.save({"model": dict(online.state_dict())}, os.path.join(a.out, "online.pth"))
    torch.save({"model": dict(target.state_dict())}, os.path.join(a.out, "target.pth"))
    fixture = {"images": imgs, "img_mask": img_mask, "region_mask": region_mask,
               "reconstruction": rec_all.detach().reshape(1),
               "region_reconstruction": rec_region.detach().reshape(1),
               "instance": instance.detach().reshape(1), "total": total.detach().reshape(1)}
    for name, p in online.named_parameters():
        if p.grad is not None:
            fixture["grad." + name] = p.grad
    torch.save(fixture, os.path.join(a.out, "fixture.pth"))
    save_release_style(a, online)
    print(f"total {total.item():.8f} rec {rec_all.item():.8f} region {rec_region.item():.8f} "
          f"instance {instance.item():.8f}")


def bench(a):
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    online, target = Online(a), Target(a)
    target.load_state_dict(online.state_dict(), strict=False)
    for p in target.parameters():
        p.requires_grad_(False)
    params = [p for p in online.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1.5e-4, betas=(0.9, 0.95), weight_decay=0.05)
    online_named = dict(online.named_parameters())
    pairs = [(t, online_named[name]) for name, t in target.named_parameters() if name in online_named]
    imgs = torch.randn(a.batch, 3, a.image, a.image)
    n = (a.image // a.patch) ** 2
    keep = int(n * (1 - a.ratio))

    def step():
        img_mask = torch.ones(a.batch, n)
        region_mask = torch.zeros(a.batch, n)
        for i in range(a.batch):
            order = torch.randperm(n)
            img_mask[i, order[:keep]] = 0
            region_mask[i, order[keep:keep + 10]] = 1
        rec_all, rec_region, feat = online(imgs, img_mask, region_mask, a.ratio, a.norm_pix)
        with torch.no_grad():
            feat_target = target(imgs, img_mask)
        total = rec_all + a.w_region * rec_region + a.w_id * simsiam_loss(feat, feat_target)
        opt.zero_grad(set_to_none=True)
        total.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        with torch.no_grad():
            for t, o in pairs:
                t.mul_(0.996).add_(o.detach(), alpha=0.004)
        return total.item()

    for _ in range(a.warmup):
        step()
    times = []
    for _ in range(a.steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"fsfm_reference bench: image {a.image} patch {a.patch} width {a.width} depth {a.depth} batch {a.batch} "
          f"threads {torch.get_num_threads()}: {a.batch / median:.2f} img/s (median {median * 1000:.0f} ms/step "
          f"over {a.steps})")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("mode", choices=["fixture", "bench"])
    ap.add_argument("--out", default="fsfm_fixture")
    sizes = ["image", "patch", "width", "depth", "heads", "rep_depth", "rep_heads", "proj_hidden", "proj_dim",
             "dec_width", "dec_depth", "dec_heads", "batch"]
    for name in sizes:
        ap.add_argument("--" + name.replace("_", "-"), type=int)
    ap.add_argument("--ratio", type=float, default=0.75)
    ap.add_argument("--w-region", type=float, default=0.007)
    ap.add_argument("--w-id", type=float, default=0.1)
    ap.add_argument("--no-norm-pix", dest="norm_pix", action="store_false")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    # fixture: the tiny test network; bench: ViT-S/16 at 112 with the authors' heads (rep decoder
    # 2 blocks x 16 heads, BYOL 4096 -> 256) and MAE's pixel decoder (512 x 8, 16 heads).
    tiny = [32, 8, 32, 2, 4, 2, 8, 64, 16, 16, 1, 2, 4]
    vit_s = [112, 16, 384, 12, 6, 2, 16, 4096, 256, 512, 8, 16, 32]
    for name, value in zip(sizes, tiny if a.mode == "fixture" else vit_s):
        if getattr(a, name) is None:
            setattr(a, name, value)
    make_fixture(a) if a.mode == "fixture" else bench(a)


if __name__ == "__main__":
    main()
