#!/usr/bin/env bash
# The asynchronous comparison of docs/results.md: FedAvg, FedAvg + Top-k, FedAsync, FedBuff and FedLuck on
# Fashion-MNIST, 20 clients, Dirichlet(ALPHA), log-normal compute (mobile preset: median 0.2 s per step, sigma 0.7,
# about 10x between the 5th and 95th percentile), 1-20 Mb/s uplinks (fleet preset mobile), on the virtual clock.
#   examples/async/compare.sh 0.5     # writes runs/async-a0.5/{<run>/, summary.md, report.html}
set -euo pipefail
cd "$(dirname "$0")/../.."
alpha="${1:-0.5}"
out="runs/async-a${alpha}"
fleet=(--set partition.alpha="$alpha" --set devices.type=lognormal --set devices.preset=mobile
       --set network.type=fleet --set network.preset=mobile)
run() { # name file extra-args...
  local name="$1" file="$2"; shift 2
  ./dml4j run "$file" --set run.name="$name" "${fleet[@]}" "$@" --out "$out/$name" --force 2>&1 \
    | grep -E "^fedluck: client|final accuracy|reached|did not reach|virtual time|staleness of|uplink"
}
run fedavg examples/network/fedavg-slow-links.toml --set run.rounds=30
run fedavg-topk examples/network/fedavg-slow-links.toml --set run.rounds=30 \
  --set compressor.type=topk --set compressor.ratio=0.1 --set compressor.error-feedback=true
run fedasync examples/async/fedasync.toml --set run.rounds=300
run fedbuff examples/async/fedbuff.toml --set run.rounds=60
run fedluck examples/async/fedluck.toml --set run.rounds=200
./dml4j compare "$out/fedavg" "$out/fedavg-topk" "$out/fedasync" "$out/fedbuff" "$out/fedluck" --out "$out" \
  > /dev/null
cat "$out/summary.md"
