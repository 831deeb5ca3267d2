#!/usr/bin/env bash
# Everything a lent GPU session measures, in one device call (a new machine costs minutes of the
# session's device time): on the machine, after scripts/gpu-pack.sh, with carry [".gpu", "dist"]:
#   source .gpu/env.sh && bash scripts/gpu-session.sh
# Phases run in order of importance, each cut off by `timeout` within a deadline (default 560 s,
# under the 600 s a call may run; GPU_SESSION_SECONDS changes it), so whatever has finished comes
# back. At most 8 files return from $OUT, so the run folders stay in /tmp:
#   tests.log                            the kernel, runtime, optimizer, training and resident-data tests on the real GPU
#   cnn.log, cnn-metrics.jsonl           the tutorial cnn, 15 epochs
#   bench.log, bench.json                npm run bench -- --full, with the TF.js peers
#   deep-cnn.log, deep-cnn-metrics.jsonl the tutorial deep-cnn, 15 epochs (GPU_SESSION_DEEP_CNN=0: skipped)
#   profile.log                          GPU time per dispatch of the cnn and deep-cnn steps, and the host cost
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:?gpu-session: run it on the device machine, where \$OUT is set}
deadline=$((SECONDS + ${GPU_SESSION_SECONDS:-560}))

# phase SECONDS LOG COMMAND…: runs COMMAND with its output in $out/LOG, for at most SECONDS and
# never past the deadline.
phase() {
  local limit=$1 log=$2
  shift 2
  local left=$((deadline - SECONDS))
  if [ "$left" -lt 20 ]; then echo "skipped: no time left" >> "$out/$log"; return; fi
  [ "$limit" -gt "$left" ] && limit=$left
  echo "== $* (at most ${limit} s)" >> "$out/$log"
  timeout "$limit" "$@" >> "$out/$log" 2>&1
  echo "== exit $? after $SECONDS s of the session" >> "$out/$log"
}

train() {
  phase "$1" "$2.log" node dist/src/cli/main.js train --model "$2" --out "/tmp/$2"
  [ -f "/tmp/$2/metrics.jsonl" ] && cp "/tmp/$2/metrics.jsonl" "$out/$2-metrics.jsonl"
}

# First whether the kernels are right on this GPU; the whole suite takes longer than a session can spare.
phase 120 tests.log npx vitest run test/ops test/gpu test/optim test/train test/data/resident.test.ts
# Then what the issues ask for (the cnn's accuracy and seconds per epoch, the benchmark with its
# targets), before what helps to speed things up later (the per-dispatch profiles).
train 100 cnn
phase 200 bench.log node dist/bench/run.js --full
latest=$(ls -t bench/results/*-full.json 2>/dev/null | head -1)
[ -n "$latest" ] && cp "$latest" "$out/bench.json"
# GPU_SESSION_DEEP_CNN=0 skips the deep-cnn run (e.g. once a software-driver run finished it).
[ "${GPU_SESSION_DEEP_CNN:-1}" = 1 ] && train 130 deep-cnn
phase 50 profile.log node dist/bench/profile-step.js --steps 20
phase 30 profile.log node dist/bench/profile-step.js --steps 5 --model deep-cnn
phase 30 profile.log node dist/bench/host-overhead.js
ls -la "$out"
