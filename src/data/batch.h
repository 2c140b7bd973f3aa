#pragma once
// A collated batch: tensors for every label kind plus masks of which samples carry that label.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

namespace facerep::data {

struct Batch {
  at::Tensor images;               // [B,C,H,W] float32, normalised
  std::vector<at::Tensor> views;   // all augmented views when `views: N > 1` (views[0] is `images`)
  at::Tensor identity;             // [B] int64, -1 where unknown
  at::Tensor attributes;           // [B,A] float32 (undefined when no sample has any)
  at::Tensor attributes_mask;      // [B] bool
  at::Tensor aus;                  // [B,U] float32 (undefined when absent)
  at::Tensor aus_mask;             // [B] bool
  at::Tensor values;               // [B,V] float32 scalar labels (list `value_<name>` columns; undefined when absent)
  at::Tensor values_mask;          // [B] bool
  at::Tensor landmarks;            // [B,L,2] float32, pixel coords of `images` (undefined when absent)
  at::Tensor landmarks_mask;       // [B] bool
  at::Tensor region_map;           // [B,H,W] uint8 Region values (undefined when absent)
  at::Tensor region_mask;          // [B] bool
  std::vector<std::string> paths;  // sample sources, for error messages
  std::vector<int64_t> indices;    // dataset indices
  // The CPU batch this one was copied from (set by to() onto a GPU): host-side work on labels
  // (label checks, mask drawing from region maps, frontal selection) reads it instead of copying
  // back from the device, which would make the host wait for the device.
  std::shared_ptr<const Batch> host;

  // This batch's CPU original (itself when it is on the CPU).
  const Batch& on_host() const { return host ? *host : *this; }
  int64_t size() const { return images.defined() ? images.size(0) : 0; }
  // Copies every tensor to `device` (non-blocking from pinned memory on CUDA).
  Batch to(const c10::Device& device, bool non_blocking = true) const;
  // Every per-sample label tensor and mask, in one fixed order: the one list that copying,
  // pinning and slicing go through, so a new label kind is added in one place.
  std::vector<at::Tensor*> label_tensors();
  std::vector<const at::Tensor*> label_tensors() const;
};

}  // namespace facerep::data
