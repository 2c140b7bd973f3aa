#pragma once
// Instance-discrimination losses between an online prediction p and a target projection z
// (both [B,K]). The target never receives gradients (it comes from an EMA teacher).
#include <string>

#include <ATen/core/Tensor.h>

namespace facerep::losses {

// SimSiam: -mean(cos(p, z)). In [-1, 1].
at::Tensor negative_cosine(const at::Tensor& p, const at::Tensor& z);
// BYOL: mean(2 - 2 cos(p, z)) = mean squared distance of the normalised vectors. In [0, 4].
at::Tensor byol_loss(const at::Tensor& p, const at::Tensor& z);
// InfoNCE with temperature: row i's positive is target i; negatives are every other target,
// gathered across ranks when running distributed (dist::all_gather_cat; the identity in a
// single process), so the labels are offset by this rank's position.
at::Tensor info_nce(const at::Tensor& p, const at::Tensor& z, double temperature);

// One of "simsiam", "byol", "infonce" by name.
at::Tensor instance_loss(const std::string& kind, const at::Tensor& p, const at::Tensor& z,
                         double temperature);

}  // namespace facerep::losses
