#!/usr/bin/env bash
# The one command for the device machine (after scripts/gpu/pack.sh made .gpu/, carried):
#   bash scripts/gpu/run.sh   (or bash .gpu/run.sh: pack.sh puts a copy there)
# Prints the GPU, finds node (or unpacks the carried one), looks for onnxruntime's CUDA provider
# libraries on the machine and uses them only if they are of onnxruntime-node's own version, sets up
# the CUDA and Vulkan library paths, then runs the bench (.gpu/bench.mjs) within a time limit.
# Everything goes to $OUT/gpu-bench.log too. Whatever fails, it says so and carries on.
# GPU_FORCE_CARRIED_NODE=1 / GPU_FORCE_CARRIED_REDIS=1 use the carried node / redis-server even where one is installed; GPU_BENCH_TIMEOUT
# (seconds, default 270) bounds the bench; BENCH_* variables pass through to it.
set -u
# pack.sh copies this script into .gpu/ too, so `bash .gpu/run.sh` works from a checkout without scripts/gpu
HERE=$(cd "$(dirname "$0")" && pwd)
if [ -f "$HERE/bench.mjs" ]; then G="$HERE"; else G="$(cd "$HERE/../.." && pwd)/.gpu"; fi
OUT=${OUT:-/tmp/gpu-out}
mkdir -p "$OUT"
LOG="$OUT/gpu-bench.log"
exec > >(tee "$LOG") 2>&1
step() { echo; echo "=== $* ($(date -u +%H:%M:%S))"; }
[ -f "$G/bench.mjs" ] || { echo "no $G/bench.mjs: run scripts/gpu/pack.sh and carry .gpu"; exit 2; }

unxz_to() { # file.xz dest: xz, or Python's lzma where xz is missing
  if command -v xz >/dev/null; then xz -dc "$1" >"$2"; else python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}

step "machine"
uname -a; grep -m1 PRETTY_NAME /etc/os-release; nproc; free -g | head -2
timeout 20 nvidia-smi || echo "nvidia-smi: not available"

RT=$(mktemp -d /tmp/gpu-rt.XXXXXX)
cp -r "$G"/. "$RT"/
LIBDIR="$RT/node_modules/onnxruntime-node/bin/napi-v6/linux/x64"
unxz_to "$LIBDIR/libonnxruntime.so.1.xz" "$LIBDIR/libonnxruntime.so.1" && rm "$LIBDIR/libonnxruntime.so.1.xz"
ORT_VERSION=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$RT/node_modules/onnxruntime-node/package.json" | head -1)

step "node"
NODE=""
if [ -z "${GPU_FORCE_CARRIED_NODE:-}" ] && command -v node >/dev/null && node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
  NODE=$(command -v node); echo "using the installed node: $NODE $($NODE -v)"
else
  command -v node >/dev/null && echo "installed node: $(command -v node) $(node -v 2>&1) (not used)" || echo "no node installed"
  unxz_to "$RT/node.xz" "$RT/node" && chmod +x "$RT/node" && NODE="$RT/node"
  echo "using the carried node: $NODE $("$NODE" -v)"
fi
rm -f "$RT/node.xz"

step "onnxruntime CUDA provider"
echo "onnxruntime-node $ORT_VERSION (CPU and WebGPU providers built in; CUDA needs libonnxruntime_providers_cuda.so + libonnxruntime_providers_shared.so beside $LIBDIR/libonnxruntime.so.1)"
timeout 30 python3 -c 'import onnxruntime as o; print("python onnxruntime", o.__version__, o.get_available_providers(), o.__file__)' 2>&1 | tail -2 || true
timeout 20 python3 -m pip list 2>/dev/null | grep -i onnxruntime || true
FOUND=$(timeout 45 find / \( -path /proc -o -path /sys -o -path /dev -o -path "$RT" -o -name node_modules -o -name .git \) -prune -o -name 'libonnxruntime*.so*' -print 2>/dev/null)
echo "onnxruntime libraries on this machine:"; echo "${FOUND:-  (none)}" | sed 's/^/  /'
provider_version() { # the onnxruntime version a provider library belongs to, from its wheel or its sibling libonnxruntime.so.X.Y.Z
  local dir; dir=$(dirname "$1")
  case "$1" in
    */site-packages/onnxruntime/capi/*) ls -d "$dir"/../../onnxruntime*.dist-info 2>/dev/null | head -1 | sed 's/.*-\([0-9][0-9.]*\)\.dist-info/\1/' ;;
    *) ls "$dir"/libonnxruntime.so.[0-9]*.[0-9]* 2>/dev/null | head -1 | sed 's/.*libonnxruntime\.so\.//' ;;
  esac
}
CUDA_REASON="no libonnxruntime_providers_cuda.so anywhere on this machine"
for p in $(echo "$FOUND" | grep 'libonnxruntime_providers_cuda\.so$'); do
  v=$(provider_version "$p")
  shared="$(dirname "$p")/libonnxruntime_providers_shared.so"
  echo "found $p (onnxruntime ${v:-unknown version})"
  if [ "$v" = "$ORT_VERSION" ] && [ -f "$shared" ]; then
    cp "$p" "$shared" "$LIBDIR/" && CUDA_REASON="" && echo "copied it and $(basename "$shared") beside libonnxruntime.so.1"
    break
  fi
  CUDA_REASON="the only CUDA provider found ($p) is for onnxruntime ${v:-unknown}, not $ORT_VERSION (the provider interface is version-bound)"
done
[ -n "$CUDA_REASON" ] && echo "CUDA provider not available: $CUDA_REASON"

step "library paths"
LDP=""
SITE=$(timeout 30 python3 -c 'import site; print(" ".join(site.getsitepackages()))' 2>/dev/null)
# the CUDA libraries PyTorch's wheels bring (nvidia/<name>/lib, or nvidia/cu13/lib)
for d in $( [ -n "$SITE" ] && find $SITE -maxdepth 3 -type d -path '*/nvidia/*' -name lib 2>/dev/null | sort -u) /usr/local/cuda/lib64 /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
  [ -d "$d" ] && LDP="$LDP:$d"
done
# WebGPU (Dawn on Vulkan) needs a Vulkan loader and, for NVIDIA's driver, libglvnd: without them
# "vkCreateInstance: Found no drivers". On the device (root, a throwaway machine) the carried Debian
# packages are unpacked into / when the machine lacks them.
has_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
if { ! has_lib 'libGLdispatch\.so\.0' || ! has_lib 'libvulkan\.so\.1'; } && [ "$(id -u)" = 0 ] && ls "$RT"/gl/*.deb >/dev/null 2>&1; then
  for f in "$RT"/gl/*.deb; do dpkg -x "$f" /; done
  ldconfig && echo "unpacked the carried Vulkan loader and GL dispatch libraries into /"
fi
[ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ] && export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json ] && export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
export LD_LIBRARY_PATH="${LDP#:}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
# The Vulkan driver manifest: the session processes get only a few variables (lib/env/model-process-env.ts,
# no VK_*), so on the device (root, throwaway machine) it is put where the loader looks by default.
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json; do
  [ -f "$icd" ] || continue
  echo "Vulkan driver manifest: $icd"
  if [ ! -f /usr/share/vulkan/icd.d/nvidia_icd.json ] && [ "$(id -u)" = 0 ] && [ -e /dev/nvidiactl ]; then
    mkdir -p /usr/share/vulkan/icd.d && cp "$icd" /usr/share/vulkan/icd.d/ && echo "copied to /usr/share/vulkan/icd.d/"
  fi
  break
done

step "redis-server"
if [ -z "${GPU_FORCE_CARRIED_REDIS:-}" ] && command -v redis-server >/dev/null; then
  export BENCH_REDIS=$(command -v redis-server); echo "installed: $BENCH_REDIS"
elif [ -f "$RT/redis.tar.xz" ]; then
  unxz_to "$RT/redis.tar.xz" "$RT/redis.tar" && tar -C "$RT" -xf "$RT/redis.tar" && rm -f "$RT/redis.tar" "$RT/redis.tar.xz"
  export BENCH_REDIS="$RT/redis/redis-server" BENCH_REDIS_LIBS="$RT/redis/lib"
  echo "carried: $BENCH_REDIS ($(LD_LIBRARY_PATH=$BENCH_REDIS_LIBS "$BENCH_REDIS" --version 2>&1 | head -1))"
else
  echo "none: the bench measures the in-process ModelHost"
fi

step "bench (limit ${GPU_BENCH_TIMEOUT:-270} s)"
export BENCH_CSV="$RT/german_credit.csv" BENCH_WORKER="$RT/worker.mjs"
(cd "$RT" && timeout --kill-after=10 "${GPU_BENCH_TIMEOUT:-270}" "$NODE" bench.mjs)
rc=$?
[ $rc = 124 ] && echo "bench: stopped at its time limit (${GPU_BENCH_TIMEOUT:-270} s)"
echo "bench exit code $rc"
[ -n "$CUDA_REASON" ] && echo "CUDA provider not available: $CUDA_REASON"
rm -rf "$RT"
sleep 1 # let tee finish the log
exit $rc
