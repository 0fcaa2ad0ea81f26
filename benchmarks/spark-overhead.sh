#!/usr/bin/env bash
# Per-round overhead of the Spark engine (local[N]) against the in-process engine (N worker threads) on the same
# experiment and seed; both runs must give the same metrics.csv. Needs the Spark module built:
#   ./mvnw -Pspark -DskipTests install -pl spark -am
# Usage: benchmarks/spark-overhead.sh [EXPERIMENT.toml] [ROUNDS] [N]   (defaults: examples/digits.toml 30 2)
# Prints the mean wall seconds per round of each engine (round 1, which builds the models, left out), their
# difference (the Spark engine's overhead per round) and their ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
exp="${1:-examples/digits.toml}"
rounds="${2:-30}"
n="${3:-2}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
export SPARK_LOCAL_IP=127.0.0.1
./dml4j --quiet run "$exp" --set run.rounds="$rounds" --set run.threads="$n" --out "$out/inprocess" > /dev/null
./dml4j --quiet run "$exp" --set run.rounds="$rounds" --set run.threads="$n" --engine spark --master "local[$n]" \
  --out "$out/spark" > /dev/null
cmp "$out/inprocess/metrics.csv" "$out/spark/metrics.csv" || { echo "metrics.csv differ" >&2; exit 1; }
mean() { awk -F, 'NR > 2 { s += $2; n++ } END { printf "%.4f", s / n }' "$1"; }
a=$(mean "$out/inprocess/timing.csv")
b=$(mean "$out/spark/timing.csv")
awk -v a="$a" -v b="$b" -v e="$exp" -v r="$rounds" -v n="$n" 'BEGIN {
  printf "%s, %d rounds, %d cores: in-process %.4f s/round, spark local[%d] %.4f s/round\n", e, r, n, a, n, b
  printf "spark overhead %.4f s/round, ratio spark/in-process %.2f (metrics.csv identical)\n", b - a, b / a }'
