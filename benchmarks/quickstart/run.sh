#!/usr/bin/env bash
# Quickstart benchmark: wall time to 80% test accuracy and the share of worker time spent outside the model's
# training/evaluation, for dml4j with 1 and 2 worker threads, beside the plain PyTorch loop of pytorch_fedavg.py
# (run only when Debian's python3-torch is installed). Run from the repository root:
#   bash benchmarks/quickstart/run.sh
# Numbers are wall-clock: run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
./dml4j --version >/dev/null   # builds on first use
for t in 1 2; do
  echo "== dml4j, $t worker thread(s)"
  ./dml4j run examples/quickstart.toml --set run.threads=$t --out "runs/bench-quickstart-t$t" 2>&1 \
    | grep -E "final accuracy|reached|did not reach|worker time"
done
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "== PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'), plain FedAvg loop, 1 thread"
  /usr/bin/python3 benchmarks/quickstart/pytorch_fedavg.py 20 | tail -n 1
else
  echo "== PyTorch baseline skipped: apt-get install python3-torch libopenblas0-pthread to run it"
fi
