#!/usr/bin/env bash
# Runs examples/hierarchical/moving.toml under each grouping and edge placement and prints the markdown table of
# docs/results.md ("Grouping that follows link changes; edge placement"). ROUNDS (default 6) shortens or lengthens
# the runs; DML4J (default ./dml4j) is the launcher; runs go to runs/moving-*.
#   examples/hierarchical/moving.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
DML4J=${DML4J:-./dml4j}
ROUNDS=${ROUNDS:-6}
variants=(
  "measured measured"
  "declared measured"
  "measured declared"
  "measured random"
  "measured dedicated"
)
echo "| grouping | edge-host | s per cloud round before the move (round 1) | after it (round $ROUNDS) | virtual s to 80% | final accuracy | WAN MB | regroupings |"
echo "|---|---|---|---|---|---|---|---|"
for v in "${variants[@]}"; do
  read -r grouping host <<<"$v"
  out="runs/moving-$grouping-$host"
  $DML4J run examples/hierarchical/moving.toml -q --force --out "$out" --set run.rounds="$ROUNDS" \
      --set topology.grouping="$grouping" --set topology.edge-host="$host" --set run.name="moving-$grouping-$host" \
      >/dev/null
  regroups=$(grep -c '"e":"regroup"' "$out/events.jsonl" || true)
  awk -F, -v g="$grouping" -v h="$host" -v n="$regroups" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { r = $col["round"]; t = $col["sim_seconds"]; a = $col["test_accuracy"]; wan += $col["wan_bytes"]
      d = t - prev; prev = t; if (r == 1) first = d; last = d; final = a
      if (hit == "" && a != "" && a >= 0.80) hit = sprintf("%.1f (round %d)", t, r) }
    END { if (hit == "") hit = "—"
          printf "| %s | %s | %.2f | %.2f | %s | %.2f%% | %.1f | %d |\n", g, h, first, last, hit, 100 * final, wan / 1e6, n }
  ' "$out/metrics.csv"
done
