#!/usr/bin/env bash
# The GPU check: builds facerep against a CUDA LibTorch, runs the CUDA tests, then a short bf16
# training of each trainer on one GPU, printing one JSON line per recipe (images/s, step time,
# peak GPU memory) and writing them all to build-gpu/gpu_check.json.
#
#   scripts/gpu_check.sh [--steps N] [--recipes "a.yaml b.yaml"] [--skip-build]
#
# What it needs besides a CUDA LibTorch (found, in this order, from $TORCH_PREFIX, from
# $CMAKE_PREFIX_PATH, or from a Python torch: `python3 -c 'import torch; print(torch.utils.cmake_prefix_path)'`):
#   - the CUDA toolkit LibTorch was built with (nvcc and headers: LibTorch's CMake files look for them),
#     and NCCL's headers for multi-GPU runs (pip's nvidia-nccl-cu* wheel has them);
#   - a C++17 compiler, CMake >= 3.18, ninja;
#   - OpenCV >= 4.2 (core, imgproc, imgcodecs), yaml-cpp >= 0.6, libjpeg(-turbo), zlib, Intel ISA-L,
#     cxxopts (headers), GoogleTest (for the tests).
# On Debian/Ubuntu these are the packages scripts/setup.sh installs. On a machine without a package
# registry, give them as a prefix in $FACEREP_DEPS_PREFIX (searched by CMake, added to
# LD_LIBRARY_PATH), for example the .deb files of those packages and of their dependencies fetched
# on a connected machine of the same release (`apt-get download ...`) and unpacked there with
# `dpkg -x FILE.deb $FACEREP_DEPS_PREFIX` (the prefix is then $FACEREP_DEPS_PREFIX/usr).
# LibTorch must use the C++11 string ABI, as those libraries do: checked below for a Python torch.
set -euo pipefail
cd "$(dirname "$0")/.."

steps=20
skip_build=0
recipes="configs/recognition/tiny_arcface.yaml configs/recognition/tiny_triplet.yaml configs/pretrain/tiny_mae.yaml
configs/pretrain/tiny_fsfm.yaml configs/recognition/arcface_iresnet50.yaml configs/pretrain/mae_vit_b16.yaml
configs/pretrain/fsfm_vit_b16.yaml"
while (($#)); do
  case "$1" in
    --steps) steps=$2; shift 2 ;;
    --recipes) recipes=$2; shift 2 ;;
    --skip-build) skip_build=1; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "gpu_check: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

fail() { echo "gpu_check: $*" >&2; exit 1; }

if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L >/dev/null 2>&1; then
  fail "no NVIDIA GPU visible (nvidia-smi -L failed); this check needs one"
fi
nvidia-smi -L

torch_prefix=${TORCH_PREFIX:-}
if [ -z "$torch_prefix" ] && command -v python3 >/dev/null &&
   python3 -c 'import torch' 2>/dev/null; then
  read -r torch_prefix cuda abi < <(python3 -c '
import torch
print(torch.utils.cmake_prefix_path, torch.version.cuda, int(torch.compiled_with_cxx11_abi()))')
  [ "$cuda" != "None" ] || fail "the Python torch at $torch_prefix is a CPU build; install a CUDA one or set TORCH_PREFIX"
  [ "$abi" = 1 ] || fail "the Python torch uses the old (pre-C++11) string ABI, which cannot link OpenCV/yaml-cpp built with the new one; use a cxx11-ABI LibTorch and set TORCH_PREFIX"
  echo "gpu_check: Python torch $(python3 -c 'import torch; print(torch.__version__)') (CUDA $cuda) at $torch_prefix"
fi
prefix_path="${torch_prefix}${CMAKE_PREFIX_PATH:+;$CMAKE_PREFIX_PATH}"
if [ -n "${FACEREP_DEPS_PREFIX:-}" ]; then
  deps=$FACEREP_DEPS_PREFIX
  [ -d "$deps/usr" ] && deps="$deps/usr"
  prefix_path="$prefix_path;$deps"
  arch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
  export LD_LIBRARY_PATH="$deps/lib:$deps/lib/$arch${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export CPATH="$deps/include${CPATH:+:$CPATH}"  # header-only cxxopts
fi
[ -n "$prefix_path" ] || fail "no LibTorch: set TORCH_PREFIX (the folder holding share/cmake/Torch) or install a CUDA torch for python3"

if [ "$skip_build" = 0 ]; then
  cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release "-DCMAKE_PREFIX_PATH=$prefix_path" \
    || fail "configure failed: see the missing package above (requirements: scripts/gpu_check.sh --help)"
  grep -q "FACEREP_TORCH_CUDA 1" build-gpu/generated/runtime/torch_build.h \
    || fail "the LibTorch found is a CPU build ($(grep -m1 Torch_DIR build-gpu/CMakeCache.txt))"
  ninja -C build-gpu
fi

# The CUDA tests (device choice, bf16 training of the tiny recipes, CPU/GPU agreement) and the
# tests of everything the GPU build compiles differently (autocast, attention, mixed precision).
build-gpu/facerep_tests --gtest_filter='CudaTraining.*:ResolveDevice.*:LossScaler.*:Vit*.*:Mae*.*'
build-gpu/facerep info

out=build-gpu/gpu_check.json
tmp=$out.tmp.$$
echo "[" > "$tmp"
first=1
for recipe in $recipes; do
  line=$(build-gpu/facerep bench train "$recipe" --steps "$steps" --warmup 3 \
           --set run.device=cuda --set run.precision=bf16 | tail -n 1)
  echo "$line"
  [ "$first" = 1 ] || echo "," >> "$tmp"
  first=0
  echo "$line" >> "$tmp"
done
echo "]" >> "$tmp"
mv "$tmp" "$out"
echo "gpu_check: figures in $out"
