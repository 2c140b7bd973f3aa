#!/usr/bin/env bash
# Installs what facerep needs to build and run on Debian 12 (run as root, or with sudo).
# Idempotent and quick: apt is skipped when every package is already installed.
set -euo pipefail

packages=(build-essential cmake ninja-build ccache libtorch-dev libgloo-dev libopencv-dev
          libyaml-cpp-dev libjpeg62-turbo-dev libcxxopts-dev libgtest-dev libopenblas0-pthread python3-torch
          python3-torchvision libisal-dev
          clang libclang-rt-14-dev)  # clang + libFuzzer/ASan/UBSan runtimes: scripts/fuzz.sh

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    if ((${#missing[@]})); then
      echo "setup: missing ${missing[*]}; run this script as root (no sudo here)" >&2
      exit 1
    fi
  else
    as_root=(sudo)
  fi
fi

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: all ${#packages[@]} packages present"
fi

# LibTorch calls whatever libblas.so.3 the alternatives system selects. If it was pinned to the
# reference BLAS, training runs many times slower: point it at OpenBLAS.
arch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
for lib in libblas.so.3 liblapack.so.3; do
  name="$lib-$arch"
  want="/usr/lib/$arch/openblas-pthread/$lib"
  current=$(update-alternatives --query "$name" 2>/dev/null | sed -n 's/^Value: //p')
  if [ -e "$want" ] && [ -n "$current" ] && [ "$current" != "$want" ]; then
    echo "setup: $lib pointed at $current; switching to OpenBLAS ($want)"
    "${as_root[@]}" update-alternatives --quiet --set "$name" "$want"
  fi
done
