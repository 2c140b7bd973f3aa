#pragma once
// The c10d headers and the API differences between LibTorch 1.13 and 2.x, for src/dist's .cpp
// files only (DESIGN.md: only src/dist includes c10d). The version switch is runtime/compat.h's.
//
// 1.13: every backend (ProcessGroupGloo, ProcessGroupNCCL) derives from c10d::ProcessGroup.
// 2.x:  backends derive from c10d::Backend; c10d::ProcessGroup became a dispatcher over them.
// The collective calls we make (allreduce, broadcast, allgather, barrier with their Options
// structs, Work::wait) have the same signatures on the backend classes in both, so we hold the
// backend itself through `C10dBackend`.
#include "dist/c10d_build.h"
#include "runtime/compat.h"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/distributed/c10d/Types.hpp>
#include <torch/csrc/distributed/c10d/Work.hpp>

// The c10d headers hide each backend behind the macro its LibTorch build defines; ours says
// whether this LibTorch really has it (cmake/FacerepDist.cmake probes by linking).
#if FACEREP_HAVE_GLOO
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#if FACEREP_HAVE_NCCL
#ifndef USE_C10D_NCCL
#define USE_C10D_NCCL
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#if FACEREP_TORCH_AT_LEAST(2, 0)
#include <torch/csrc/distributed/c10d/Backend.hpp>
#else
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#endif

namespace facerep::dist::compat {

#if FACEREP_TORCH_AT_LEAST(2, 0)
using C10dBackend = ::c10d::Backend;
#else
using C10dBackend = ::c10d::ProcessGroup;
#endif
using C10dWork = ::c10d::Work;

}  // namespace facerep::dist::compat
