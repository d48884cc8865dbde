#!/usr/bin/env bash
# The README's deployment recipe on one machine: one PostgreSQL database, one shared artifact folder,
# one lab (no worker of its own) and two worker processes, each process with its own data folder.
set -euo pipefail
D=/tmp/scale-demo
REPO=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$D"; mkdir -p "$D"/{lab,w1,w2,shared}
runuser -u postgres -- psql -q -c "DROP DATABASE IF EXISTS scale_demo WITH (FORCE)" -c "CREATE DATABASE scale_demo OWNER sbirlab"
export SBIRLAB_STORE="postgresql://sbirlab:sbirlab-ci@127.0.0.1/scale_demo"
export SBIRLAB_ARTIFACTS="$D/shared"
CLI=(dotnet "$REPO/src/SbirLab.Cli/bin/Debug/net10.0/sbirlab.dll")
cd "$D"
nice -n 10 dotnet "$REPO/src/SbirLab.Web/bin/Debug/net10.0/SbirLab.Web.dll" --data "$D/lab" --worker false --urls http://127.0.0.1:5097 > lab.log 2>&1 &
echo $! > lab.pid
for i in 1 2 3 4; do
  "${CLI[@]}" --data "$D/lab" queue "$REPO/experiments/fashion-mnist/triplet.json" --set name=demo-$i \
    --set training.epochs=2 --set training.maxStepsPerEpoch=40 --set data.trainLimit=8000 \
    --set evaluation.perClass=10 --set evaluation.queries=20 --set 'evaluation.precisionAtK=[1,5]'
done
"${CLI[@]}" --data "$D/lab" queue "$REPO/experiments/fashion-mnist/triplet.json" --set name=demo-gpu --set queue=gpu --set device=cuda
sleep 10 # the lab is listening
COOKIE=$("$REPO"/docs/deploy-demo/login.sh)
node --experimental-websocket "$REPO"/docs/deploy-demo/watch.mjs http://127.0.0.1:5097/runs/1 "$COOKIE" 75 ".run-progress-text" > watch-run1.log 2>&1 &
sleep 8 # the page is open before training starts
nice -n 10 "${CLI[@]}" worker --data "$D/w1" --worker-id w1 --devices cpu --exit-when-idle > w1.log 2>&1 &
echo $! > w1.pid
nice -n 10 "${CLI[@]}" worker --data "$D/w2" --worker-id w2 --devices cpu --exit-when-idle > w2.log 2>&1 &
echo $! > w2.pid
echo started
