#!/usr/bin/env bash
# Combo's sweeps and its 40-worker setting (issue 11, experiment 1), on examples/gossip/*.toml: segments
# S in {1, 2, 6, 10} at R = 2, replicas R in {1, 2, 4} at S = 10 (20 peers), then central FedAvg, D-PSGD, naive gossip,
# Combo and BACombo with 40 peers. Prints the markdown tables of docs/results.md. ROUNDS (default 15) iterations a
# run; DML4J (default ./dml4j) is the launcher; runs go to runs/sweep-* (a finished one is reused).
#   examples/gossip/sweep.sh            # or: examples/gossip/sweep.sh sweep | workers40
set -euo pipefail
cd "$(dirname "$0")/../.."
DML4J=${DML4J:-./dml4j}
ROUNDS=${ROUNDS:-15}
what=${1:-all}

row() { # label metrics.csv: virtual s per iteration, virtual s (round) to 84% and 85%, MB to 85%, final accuracy
  awk -F, -v label="$1" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { r = $col["round"]; t = $col["sim_seconds"]; a = $col["test_accuracy"]
      mb = ($col["total_bytes_up"] + $col["total_bytes_down"]) / 1e6; final = a; last = t; n = r
      if (h84 == "" && a != "" && a >= 0.84) h84 = sprintf("%.2f (round %d)", t, r)
      if (h85 == "" && a != "" && a >= 0.85) { h85 = sprintf("%.2f (round %d)", t, r); m85 = sprintf("%.1f", mb) } }
    END { if (h84 == "") h84 = "—"; if (h85 == "") { h85 = "—"; m85 = "—" }
          printf "| %s | %.2f | %s | %s | %s | %.2f%% |\n", label, last / n, h84, h85, m85, 100 * final }
  ' "$2"
}

run() { # name file overrides... (a run folder that already holds ROUNDS rows is reused)
  local name=$1 file=$2 o; shift 2
  local args=()
  for o in "$@"; do args+=(--set "$o"); done
  if [[ -f "runs/sweep-$name/metrics.csv" && $(wc -l < "runs/sweep-$name/metrics.csv") -eq $((ROUNDS + 1)) ]]; then
    return 0
  fi
  $DML4J run "$file" -q --force --out "runs/sweep-$name" --set run.rounds="$ROUNDS" --set run.name="sweep-$name" \
      "${args[@]}" >/dev/null
}

header='| run | virtual s per iteration | virtual s to 84% | to 85% | MB to 85% | final accuracy |
|---|---|---|---|---|---|'

if [[ $what == all || $what == sweep ]]; then
  echo "Segments and replicas, 20 peers, $ROUNDS iterations"
  echo "$header"
  for s in 1 2 6 10; do
    run "s$s-r2" examples/gossip/segmented.toml gossip.segments=$s gossip.replicas=2
    row "Combo S = $s, R = 2" "runs/sweep-s$s-r2/metrics.csv"
  done
  for r in 1 4; do
    run "s10-r$r" examples/gossip/segmented.toml gossip.segments=10 gossip.replicas=$r
    row "Combo S = 10, R = $r" "runs/sweep-s10-r$r/metrics.csv"
  done
fi
if [[ $what == all || $what == workers40 ]]; then
  echo
  echo "40 peers, $ROUNDS iterations"
  echo "$header"
  run w40-central examples/gossip/central.toml partition.clients=40
  row "central FedAvg" runs/sweep-w40-central/metrics.csv
  run w40-dpsgd examples/gossip/dpsgd.toml partition.clients=40
  row "D-PSGD, ring" runs/sweep-w40-dpsgd/metrics.csv
  run w40-naive examples/gossip/segmented.toml partition.clients=40 gossip.segments=1
  row "naive gossip (S = 1, R = 2)" runs/sweep-w40-naive/metrics.csv
  run w40-combo examples/gossip/segmented.toml partition.clients=40
  row "Combo (S = 10, R = 2)" runs/sweep-w40-combo/metrics.csv
  run w40-bacombo examples/gossip/bacombo.toml partition.clients=40
  row "BACombo (epsilon = 0.5)" runs/sweep-w40-bacombo/metrics.csv
fi
