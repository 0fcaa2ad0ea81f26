#!/usr/bin/env bash
# Combo's sweeps and its 20- and 40-worker settings (issue 11, experiment 1), on examples/gossip/*.toml: segments
# S in {1, 2, 6, 10} at R = 2, replicas R in {1, 2, 4} at S = 10 (20 peers), then central FedAvg, D-PSGD, naive gossip,
# Combo and BACombo with 20 or 40 peers, with the speed-ups to 80%, 84% and 85%. Prints the markdown tables of
# docs/results.md. ROUNDS (default 15) iterations a run; DML4J (default ./dml4j) is the launcher; runs go to
# runs/sweep-* (a finished one is reused); `dml4j compare` overlays the n-peer runs in runs/sweep-w<n>/report.html
# and, with CHARTS=PREFIX, writes their accuracy by virtual time to PREFIX-w<n>-time.svg.
#   examples/gossip/sweep.sh            # or: examples/gossip/sweep.sh sweep | workers20 | workers40
set -euo pipefail
cd "$(dirname "$0")/../.."
source examples/metrics.sh
DML4J=${DML4J:-./dml4j}
ROUNDS=${ROUNDS:-15}
CHARTS=${CHARTS:-}
what=${1:-all}

row() { # label metrics.csv: virtual s per iteration, virtual s (round) to 84% and 85%, MB to 85%, final accuracy
  awk -F, -v label="$1" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { r = $col["round"]; t = $col["sim_seconds"]; a = $col["test_accuracy"]
      mb = ($col["total_bytes_up"] + $col["total_bytes_down"]) / 1e6; final = a; last = t; n = r
      if (h84 == "" && a != "" && a != "NaN" && a >= 0.84) h84 = sprintf("%.2f (round %d)", t, r)
      if (h85 == "" && a != "" && a != "NaN" && a >= 0.85) { h85 = sprintf("%.2f (round %d)", t, r); m85 = sprintf("%.1f", mb) } }
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
row_t() { # label metrics.csv: virtual s per iteration, virtual s (round) to 80%, 84% and 85%, MB to 85%, final accuracy
  awk -F, -v label="$1" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { r = $col["round"]; t = $col["sim_seconds"]; a = $col["test_accuracy"]
      mb = ($col["total_bytes_up"] + $col["total_bytes_down"]) / 1e6; final = a; last = t; n = r
      if (h80 == "" && a != "" && a != "NaN" && a >= 0.80) h80 = sprintf("%.2f (round %d)", t, r)
      if (h84 == "" && a != "" && a != "NaN" && a >= 0.84) h84 = sprintf("%.2f (round %d)", t, r)
      if (h85 == "" && a != "" && a != "NaN" && a >= 0.85) { h85 = sprintf("%.2f (round %d)", t, r); m85 = sprintf("%.1f", mb) } }
    END { if (h80 == "") h80 = "—"; if (h84 == "") h84 = "—"; if (h85 == "") { h85 = "—"; m85 = "—" }
          printf "| %s | %.2f | %s | %s | %s | %s | %.2f%% |\n", label, last / n, h80, h84, h85, m85, 100 * final }
  ' "$2"
}


workers() { # n: central FedAvg, D-PSGD, naive gossip, Combo and BACombo with n peers, the table and the speed-ups
  local n=$1 p="runs/sweep-w$1" target m
  echo
  echo "$n peers, $ROUNDS iterations"
  echo '| run | virtual s per iteration | virtual s to 80% | to 84% | to 85% | MB to 85% | final accuracy |'
  echo '|---|---|---|---|---|---|---|'
  run "w$n-central" examples/gossip/central.toml partition.clients=$n
  row_t "central FedAvg" "$p-central/metrics.csv"
  run "w$n-dpsgd" examples/gossip/dpsgd.toml partition.clients=$n
  row_t "D-PSGD, ring" "$p-dpsgd/metrics.csv"
  run "w$n-naive" examples/gossip/segmented.toml partition.clients=$n gossip.segments=1
  row_t "naive gossip (S = 1, R = 2)" "$p-naive/metrics.csv"
  run "w$n-combo" examples/gossip/segmented.toml partition.clients=$n
  row_t "Combo (S = 10, R = 2)" "$p-combo/metrics.csv"
  run "w$n-bacombo" examples/gossip/bacombo.toml partition.clients=$n
  row_t "BACombo (epsilon = 0.5)" "$p-bacombo/metrics.csv"
  echo
  for target in 0.80 0.84 0.85; do
    local c d g line
    c=$(to_target "$p-central/metrics.csv" $target | cut -f1)
    g=$(to_target "$p-naive/metrics.csv" $target | cut -f1)
    line="- $n peers, time to $(awk -v t=$target 'BEGIN { printf "%.0f%%", 100 * t }'):"
    for m in combo bacombo dpsgd; do
      d=$(to_target "$p-$m/metrics.csv" $target | cut -f1)
      if [[ $d == - || $c == - || $g == - ]]; then
        line+=" $m: a run did not reach it;"
      else
        line+=$(awk -v m="$m" -v c="$c" -v g="$g" -v d="$d" \
            'BEGIN { printf " %s %.2f× faster than central FedAvg and %.2f× than naive gossip;", m, c / d, g / d }')
      fi
    done
    echo "${line%;}."
  done
  local svg=()
  [[ -n $CHARTS ]] && svg=(--svg "accuracy-by-virtual-time=$CHARTS-w$n-time.svg")
  $DML4J compare "$p-central" "$p-dpsgd" "$p-naive" "$p-combo" "$p-bacombo" --target 0.85 --out "$p" \
      ${svg[@]+"${svg[@]}"} > /dev/null 2>&1
}

if [[ $what == all || $what == workers20 ]]; then
  workers 20
fi
if [[ $what == all || $what == workers40 ]]; then
  workers 40
fi
