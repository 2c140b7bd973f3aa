#!/usr/bin/env bash
# kill -9 survival trials. Each trial starts a tiny training run that checkpoints every step,
# kills it with SIGKILL at a random moment of its training (so often while a checkpoint is being
# written), then runs the same command with `--resume auto` to step STEPS. A trial survives when
# the resumed run succeeds and its final weights (`facerep export` of last.ckpt) are byte-identical
# to those of an uninterrupted run. Prints survived/N; exits 1 when any trial did not survive.
#   scripts/kill_trials.sh [N=50] [STEPS=12]     (needs build/facerep: scripts/build.sh)
# KILL_SEED fixes the random kill moments (default 1), KEEP=1 keeps the runs for inspection.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-50}
steps=${2:-12}
RANDOM=${KILL_SEED:-1}
bin=build/facerep
[ -x "$bin" ] || { echo "kill_trials: $bin not built (scripts/build.sh)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/facerep_kill.XXXXXX")
[ "${KEEP:-0}" = 1 ] && echo "runs kept in $work" || trap 'rm -rf "$work"' EXIT

# The same tiny run every time (as a requeued job would repeat it). Started as a plain command,
# never through a function or subshell, so that $! is the trainer's own pid: kill -9 of a
# wrapping shell would leave the trainer running.
export OMP_NUM_THREADS=1
args=(train configs/recognition/tiny_arcface.yaml --set run.name=kt --set run.threads=1 --set 'eval=[]'
      --set data.train.source.identities=16 --set data.train.source.per_identity=4 --set data.loader.workers=1
      --set train.steps=100000 --set train.batch_size=8 --set train.log_every=1 --set train.checkpoint_every=1
      --stop-after "$steps")
final_weights() {  # ROOT: sha256 of the exported live weights of the run's last.ckpt
  local ckpt
  ckpt=$(ls "$1"/kt/*/checkpoints/last.ckpt)
  "$bin" export "$ckpt" --out "$1/model.pt" >/dev/null
  sha256sum "$1/model.pt" | cut -d' ' -f1
}
now() { date +%s.%N; }
metrics_appeared() { compgen -G "$1/kt/*/metrics.jsonl" >/dev/null; }

# The reference, timed from its first logged step to its end: the window the kills fall in.
"$bin" "${args[@]}" --set run.root="$work/ref" >"$work/ref.log" 2>&1 &
pid=$!
while ! metrics_appeared "$work/ref" && kill -0 "$pid" 2>/dev/null; do sleep 0.02; done
t0=$(now)
wait "$pid" || { echo "kill_trials: the reference run failed:" >&2; tail -n 20 "$work/ref.log" >&2; exit 1; }
window=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')
reference=$(final_weights "$work/ref")
echo "reference: $steps steps, training window ${window}s, weights $reference"

survived=0 finished_before_kill=0 mid_write=0
for i in $(seq 1 "$n"); do
  root=$work/t$i
  "$bin" "${args[@]}" --set run.root="$root" >"$root.first.log" 2>&1 &
  pid=$!
  while ! metrics_appeared "$root" && kill -0 "$pid" 2>/dev/null; do sleep 0.02; done
  delay=$(awk -v r="$RANDOM" -v w="$window" 'BEGIN { printf "%.3f", w * r / 32768 }')
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null || true
  status=0
  wait "$pid" 2>/dev/null || status=$?
  if [ "$status" -eq 137 ]; then outcome=killed; else outcome="finished (exit $status)"; finished_before_kill=$((finished_before_kill + 1)); fi
  # A temporary left in the checkpoint folder: the kill fell inside a checkpoint write.
  if [ "$outcome" = killed ] && compgen -G "$root/kt/*/checkpoints/*.tmp.*" >/dev/null; then
    outcome="killed mid-checkpoint-write"
    mid_write=$((mid_write + 1))
  fi
  if "$bin" "${args[@]}" --set run.root="$root" --resume auto >"$root.resume.log" 2>&1 &&
     [ "$(final_weights "$root")" = "$reference" ]; then
    survived=$((survived + 1))
    result=survived
  else
    result="DID NOT SURVIVE (logs: $root.*.log)"
    trap - EXIT  # keep the evidence
  fi
  echo "trial $i: $outcome after ${delay}s, $result"
done
echo "survived $survived/$n ($mid_write killed while writing a checkpoint, $finished_before_kill finished before their kill)"
[ "$survived" -eq "$n" ]
