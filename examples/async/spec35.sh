#!/usr/bin/env bash
# FedLuck against the baselines of spec section 3.5 in its own setup (examples/async/fedluck-spec35.toml):
# FedAvg (k = 20), FedAvg + Top-k (delta = 0.5), asynchronous with fixed (k, delta) = (10, 0.3), FedAsync
# (alpha = 0.4, constant, rho = 0.001), FedBuff (K = 8) and FedLuck. Writes runs/async-spec35/{<run>/, summary.md}.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="runs/async-spec35"
f=examples/async/fedluck-spec35.toml
run() { # name extra-args...
  local name="$1"; shift
  ./dml4j run "$f" --set run.name="$name" "$@" --out "$out/$name" --force 2>&1 \
    | grep -E "^fedluck: client|final accuracy|reached|did not reach|virtual time|staleness of|uplink|simulator"
}
run fedluck
run fedavg --set strategy='{ type = "fedavg", fraction = 1.0 }' --set run.rounds=30 --set run.eval-every=1 \
  --set compressor='{ type = "identity" }'
run fedavg-topk --set strategy='{ type = "fedavg", fraction = 1.0 }' --set run.rounds=30 --set run.eval-every=1 \
  --set compressor.ratio=0.5
run async-fixed --set strategy.k-min=10 --set strategy.k-max=10 --set strategy.delta-min=0.3 \
  --set strategy.delta-max=0.3
run fedasync --set strategy='{ type = "fedasync", mixing = 0.4, staleness = "constant", mu = 0.001 }' \
  --set compressor='{ type = "identity" }'
run fedbuff --set strategy='{ type = "fedbuff", buffer-size = 8 }' --set run.rounds=60 --set run.eval-every=2 \
  --set compressor='{ type = "identity" }'
./dml4j compare "$out/fedluck" "$out/fedavg" "$out/fedavg-topk" "$out/async-fixed" "$out/fedasync" "$out/fedbuff" \
  --out "$out" > /dev/null
cat "$out/summary.md"
