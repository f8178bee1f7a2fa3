#!/usr/bin/env bash
# Makes .gpu/ at the repository root for the GPU serving benchmark (scripts/gpu/run.sh runs it on the
# device machine, which has no network and maybe no node): the bench, the inference worker and its
# session process bundled with esbuild, the parts of onnxruntime-node they load (its library
# xz-compressed), node itself (xz), a redis-server with its libraries for the worker's heartbeats, the
# Vulkan loader (for the WebGPU provider) and the German-credit CSV. .gpu/ is ignored through the
# repository's .git/info/exclude, so it travels only when a device call names it in `carry`.
set -euo pipefail
ROOT=$(git rev-parse --show-toplevel)
cd "$ROOT"
G=.gpu
EXCLUDE="$(git rev-parse --git-common-dir)/info/exclude"
grep -qxF '/.gpu/' "$EXCLUDE" 2>/dev/null || echo '/.gpu/' >>"$EXCLUDE"
rm -rf "$G"
mkdir -p "$G"

echo "pack: bundling (esbuild)"
ESBUILD=node_modules/.bin/esbuild
# the bundles are ESM; CommonJS dependencies inside them call require() for node's own modules
BANNER="import { createRequire as __syCreateRequire } from 'node:module'; const require = __syCreateRequire(import.meta.url);"
opts=(--bundle --platform=node --format=esm --target=node20 --external:onnxruntime-node "--banner:js=$BANNER" --log-level=warning)
"$ESBUILD" scripts/gpu/bench.ts --outfile="$G/bench.mjs" "${opts[@]}"
"$ESBUILD" workers/inference/main.ts --outfile="$G/worker.mjs" "${opts[@]}"
"$ESBUILD" lib/serving/data/inference/session-process.ts --outfile="$G/session-process.mjs" "${opts[@]}"
# session-runner.ts forks ./session-process.ts beside itself (under tsx); here that is the .mjs bundle
for f in bench worker; do
  sed -i 's#"\./session-process\.ts"#"./session-process.mjs"#' "$G/$f.mjs"
  grep -q '"./session-process.mjs"' "$G/$f.mjs" || { echo "pack: no session-process path to rewrite in $f.mjs" >&2; exit 1; }
done

echo "pack: onnxruntime-node"
ORT=node_modules/onnxruntime-node
NATIVE=bin/napi-v6/linux/x64
mkdir -p "$G/$ORT/$NATIVE" "$G/node_modules/onnxruntime-common"
cp "$ORT/package.json" "$G/$ORT/"
cp -r "$ORT/dist" "$G/$ORT/"
cp "$ORT/$NATIVE/onnxruntime_binding.node" "$G/$ORT/$NATIVE/"
xz -T2 -6 -c "$ORT/$NATIVE/libonnxruntime.so.1" >"$G/$ORT/$NATIVE/libonnxruntime.so.1.xz"
cp node_modules/onnxruntime-common/package.json "$G/node_modules/onnxruntime-common/"
cp -r node_modules/onnxruntime-common/dist "$G/node_modules/onnxruntime-common/"

echo "pack: node $(node -v) (xz)"
xz -T2 -6 -c "$(readlink -f "$(command -v node)")" >"$G/node.xz"

echo "pack: redis-server and its libraries"
REDIS=$(command -v redis-server || true)
if [ -n "$REDIS" ]; then
  mkdir -p "$G/redis/lib"
  # redis picks its mode from its name: the copy must be called redis-server
  cp "$(readlink -f "$REDIS")" "$G/redis/redis-server"
  ldd "$REDIS" | awk '/=> \//{print $3}' | grep -Ev '/(libc|libm|libdl|libpthread|librt|ld-linux[^/]*)\.so' | while read -r lib; do cp -L "$lib" "$G/redis/lib/"; done
  tar -C "$G" -cJf "$G/redis.tar.xz" redis
  rm -rf "$G/redis"
else
  echo "pack: no redis-server here; the bench will use the in-process ModelHost"
fi

echo "pack: Vulkan loader and GL dispatch libraries (the WebGPU provider; the device's NVIDIA Vulkan driver needs libglvnd)"
# as the device notes advise: Debian's packages, unpacked into / on the device by run.sh (a throwaway machine, root)
mkdir -p "$G/gl"
if ! (cd "$G/gl" && apt-get download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null 2>&1); then
  echo "pack: could not download the Vulkan/GL packages; WebGPU needs the device's own loader"
fi

cp fixtures/german_credit.csv scripts/gpu/run.sh "$G/"
echo "pack: $G is $(du -sh "$G" | cut -f1); working tree that travels without it: $(git ls-files -co --exclude-standard -z | du -ch --files0-from=- 2>/dev/null | tail -1 | cut -f1)"
find "$G" -type f -size +1M -exec ls -la {} \; | awk '{print "  " $5 "\t" $9}'
SIZE=$(du -sb "$G" | cut -f1)
if [ "$SIZE" -gt $((55 * 1024 * 1024)) ]; then echo "pack: $G is over 55 MiB" >&2; exit 1; fi
