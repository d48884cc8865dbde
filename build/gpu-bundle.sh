#!/usr/bin/env bash
# Packs the `sbirlab` command for a GPU host that has PyTorch but no .NET: self-contained for linux-x64, built with
# TorchBackend=external (TorchSharp without any libtorch: the host's torch/lib is loaded through SBIRLAB_LIBTORCH),
# with the run templates, the runner and our PyTorch peer benchmark. FashionMNIST (30 MB, already compressed) goes
# into a second archive beside it, when this machine has it.
#
#   build/gpu-bundle.sh [OUT_DIR]        (default: artifacts/gpu-bundle)
#   -> OUT_DIR/sbirlab-gpu-linux-x64.tar.gz, OUT_DIR/fashion-mnist.tar, OUT_DIR/gpu-run.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$repo/artifacts/gpu-bundle}" && cd "${1:-$repo/artifacts/gpu-bundle}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage="$work/sbirlab-gpu"

# Its own artifacts folder, so the worktree's obj/ (restored for the cpu backend) is left alone. The libstdc++
# version requirement is weakened whatever this host has: the bundle runs on other hosts (build/WeakenGlibcxx.targets).
# Invariant globalization: the host need not have libicu.
dotnet publish "$repo/src/SbirLab.Cli" -c Release -r linux-x64 --self-contained \
  -p:TorchBackend=external -p:InvariantGlobalization=true -p:SbirLabWeakenGlibcxxAlways=true \
  --artifacts-path "$work/build" -o "$stage/app" >"$work/publish.log" 2>&1 || { tail -30 "$work/publish.log"; exit 1; }

if ls "$stage/app" | grep -E '^lib(torch|c10)'; then echo "error: a libtorch library got into the bundle" >&2; exit 1; fi
test -f "$stage/app/libLibTorchSharp.so" || { echo "error: libLibTorchSharp.so is missing from the publish" >&2; exit 1; }

cp -r "$repo/experiments" "$stage/experiments"
cp "$repo/benchmarks/pytorch/siamese_resnet_bench.py" "$stage/"
cp "$repo/build/gpu-run.sh" "$stage/run.sh"
cp "$repo/build/gpu-run.sh" "$out/gpu-run.sh"
tar -czf "$out/sbirlab-gpu-linux-x64.tar.gz" -C "$work" sbirlab-gpu

fashion=${SBIRLAB_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
if [ -f "$fashion/train-images-idx3-ubyte.gz" ]; then
  tar -cf "$out/fashion-mnist.tar" -C "$(dirname "$fashion")" "$(basename "$fashion")"
fi

mib() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
echo "bundle: $out/sbirlab-gpu-linux-x64.tar.gz ($(mib "$out/sbirlab-gpu-linux-x64.tar.gz"); unpacked $(du -sh "$stage" | cut -f1))"
[ -f "$out/fashion-mnist.tar" ] && echo "data:   $out/fashion-mnist.tar ($(mib "$out/fashion-mnist.tar"))"
echo "runner: $out/gpu-run.sh"
