#!/usr/bin/env bash
# Runs the sbirlab bundle (build/gpu-bundle.sh) on a Linux x64 host without .NET, on the libtorch of the host's
# PyTorch, by default on CUDA: unpacks the bundle (and fashion-mnist.tar when it lies beside it), points
# SBIRLAB_LIBTORCH at python3's torch/lib, trains a template and prints where the run folder is.
#
#   gpu-run.sh BUNDLE.tar.gz [TEMPLATE] [--set key=value ...]
#   TEMPLATE: a path inside the bundle, default experiments/fashion-mnist/classification.json (seed 004's ConvNet)
#   environment: SBIRLAB_DEVICE (cuda; cpu to try it anywhere), SBIRLAB_LIBTORCH (default: python3's torch/lib),
#                SBIRLAB_UNPACK (default /tmp/sbirlab-gpu-bundle), SBIRLAB_RUNS (default: runs/ in the unpacked bundle)
set -euo pipefail
bundle=${1:?usage: gpu-run.sh BUNDLE.tar.gz [TEMPLATE] [--set key=value ...]}
shift
template=experiments/fashion-mnist/classification.json
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then template=$1; shift; fi
unpack=${SBIRLAB_UNPACK:-/tmp/sbirlab-gpu-bundle}
device=${SBIRLAB_DEVICE:-cuda}

mkdir -p "$unpack"
tar -xzf "$bundle" -C "$unpack"
root="$unpack/sbirlab-gpu"
data_tar="$(dirname "$bundle")/fashion-mnist.tar"
if [ -z "${SBIRLAB_FASHION_MNIST:-}" ] && [ -f "$data_tar" ]; then
  tar -xf "$data_tar" -C "$unpack"
  export SBIRLAB_FASHION_MNIST="$unpack/fashion-mnist"
fi

if [ -z "${SBIRLAB_LIBTORCH:-}" ]; then
  SBIRLAB_LIBTORCH=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__)+"/lib")') ||
    { echo "error: no PyTorch for python3 here; set SBIRLAB_LIBTORCH to a libtorch lib folder" >&2; exit 2; }
fi
export SBIRLAB_LIBTORCH
python3 -c 'import torch; print("host PyTorch", torch.__version__, "CUDA", torch.version.cuda, "cuda available:", torch.cuda.is_available())' 2>/dev/null || true

name=$(basename "$template" .json)
out="${SBIRLAB_RUNS:-$root/runs}/$name-$device-$(date -u +%Y%m%dT%H%M%S)"
set +e
"$root/app/sbirlab" train "$root/$template" --out "$out" --set "device=$device" "$@"
code=$?
set -e
echo "run folder: $out (exit $code)"
# The run's provenance is in the folder's own store: `runs show` prints it (device, libtorch, commit, packages).
[ -f "$out/sbirlab.db" ] && "$root/app/sbirlab" --data "$out" runs show 1
exit $code
