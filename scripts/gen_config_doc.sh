#!/usr/bin/env bash
# Regenerates docs/config.md from the code. Usage: scripts/gen_config_doc.sh [FACEREP_BINARY]
# (default build/facerep, built first when absent).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/facerep}
if [ ! -x "$bin" ]; then
  [ "$bin" = build/facerep ] || { echo "gen_config_doc: no binary at $bin" >&2; exit 1; }
  bash scripts/build.sh
fi
"$bin" config doc > docs/config.md.tmp
mv docs/config.md.tmp docs/config.md
echo "wrote docs/config.md ($(wc -l < docs/config.md) lines)"
