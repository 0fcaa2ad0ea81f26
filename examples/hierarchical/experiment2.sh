#!/usr/bin/env bash
# Issue 11, experiment 2: HierFAVG against flat FedAvg over 3 and 4 regions with slow WAN links (time to target and
# bytes over the WAN), then grouping clients to edges by measured links, by declared id ranges and at random.
# Runs examples/hierarchical/{hierfavg,flat,grouping}.toml and prints the markdown tables of docs/results.md from
# the runs' metrics.csv (sim_seconds, wan_bytes) and logs. ROUNDS (default 10) cloud rounds a hierarchical run, flat
# FedAvg 4 x ROUNDS rounds (kappa2 = 4: the same local steps per client), the grouping runs GROUPING_ROUNDS (default
# 6) cloud rounds; REGIONS (default "4 3"); TARGET (default 0.80); DML4J (default ./dml4j) is the launcher. Runs go to runs/exp2-* (a finished one is reused; its log is
# run.log); `dml4j compare` overlays them in runs/exp2-r<regions>/report.html and runs/exp2-grouping/report.html
# and, with CHARTS=PREFIX, writes their accuracy charts by virtual time and by WAN bytes to PREFIX-*.svg
# (docs/results.md shows those written with CHARTS=docs/results-exp2).
#   examples/hierarchical/experiment2.sh
#   CHARTS=docs/results-exp2 examples/hierarchical/experiment2.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source examples/metrics.sh
DML4J=${DML4J:-./dml4j}
ROUNDS=${ROUNDS:-10}
GROUPING_ROUNDS=${GROUPING_ROUNDS:-6}
REGIONS=${REGIONS:-4 3}
TARGET=${TARGET:-0.80}
CHARTS=${CHARTS:-}

run() { # name rounds file overrides... (a completed run of that many rounds is reused)
  local name=$1 rounds=$2 file=$3 o out="runs/exp2-$1"; shift 3
  local args=()
  for o in "$@"; do args+=(--set "$o"); done
  if grep -qs '"status": "completed"' "$out/run-manifest.json" \
      && grep -qs "^rounds = $rounds\$" "$out/config.toml"; then
    return 0
  fi
  $DML4J run "$file" --force --out "$out" --set run.rounds="$rounds" --set run.name="exp2-$name" \
      "${args[@]}" > "runs/exp2-$name.log" 2>&1
  mv "runs/exp2-$name.log" "$out/run.log"
}

# label metrics.csv per: rounds (edge rounds per cloud round, for the label) to TARGET, virtual s and WAN MB to it,
# final accuracy, virtual s and WAN MB of the whole run
row() {
  awk -F, -v label="$1" -v per="$3" -v target="$TARGET" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { r = $col["round"]; t = $col["sim_seconds"]; a = $col["test_accuracy"]; wan += $col["wan_bytes"]; last = t
      if (a != "" && a != "NaN") final = a
      if (hit == "" && a != "" && a != "NaN" && a >= target) {
        hit = per > 1 ? sprintf("%d (= %d edge rounds)", r, r * per) : r
        ht = sprintf("%.1f", t); hw = sprintf("%.1f", wan / 1e6) } }
    END { if (hit == "") { hit = "—"; ht = "—"; hw = "—" }
          printf "| %s | %s | %s | %s | %.2f%% | %.1f | %.1f |\n", label, hit, ht, hw, 100 * final, last, wan / 1e6 }
  ' "$2"
}


pct=$(awk -v t="$TARGET" 'BEGIN { printf "%.0f%%", 100 * t }')
for k in $REGIONS; do
  run "flat-r$k" $((4 * ROUNDS)) examples/hierarchical/flat.toml topology.regions=$k
  run "hierfavg-r$k" "$ROUNDS" examples/hierarchical/hierfavg.toml topology.regions=$k
done
echo "HierFAVG against flat FedAvg, 20 clients, $ROUNDS cloud rounds of kappa2 = 4 against $((4 * ROUNDS)) flat rounds"
echo
echo "| regions | run | rounds to $pct | virtual s to $pct | WAN MB to $pct | final accuracy | virtual s, whole run | WAN MB, whole run |"
echo "|---|---|---|---|---|---|---|---|"
for k in $REGIONS; do
  row "$k | flat FedAvg, $((4 * ROUNDS)) rounds" "runs/exp2-flat-r$k/metrics.csv" 1
  row "$k | HierFAVG κ2 = 4, $ROUNDS cloud rounds" "runs/exp2-hierfavg-r$k/metrics.csv" 4
done
echo
for k in $REGIONS; do
  IFS=$'\t' read -r ft fw < <(to_target "runs/exp2-flat-r$k/metrics.csv" "$TARGET")
  IFS=$'\t' read -r ht hw < <(to_target "runs/exp2-hierfavg-r$k/metrics.csv" "$TARGET")
  if [[ $ft != - && $ht != - ]]; then
    awk -v k="$k" -v ft="$ft" -v fw="$fw" -v ht="$ht" -v hw="$hw" -v p="$pct" 'BEGIN {
      printf "- %d regions: HierFAVG reaches %s in %.1f× less virtual time than flat FedAvg, with %.1f× fewer WAN bytes.\n",
        k, p, ft / ht, fw / hw }'
  else
    echo "- $k regions: a run did not reach $pct (flat: $ft s, HierFAVG: $ht s)."
  fi
done

for g in measured declared random; do
  run "grouping-$g" "$GROUPING_ROUNDS" examples/hierarchical/grouping.toml topology.grouping=$g
done
echo
echo "Grouping clients to edges, 20 clients placed at random over 4 sites, $GROUPING_ROUNDS cloud rounds"
echo
echo "| grouping | clients on another site's edge | virtual s per cloud round | virtual s to $pct | WAN MB to $pct | final accuracy |"
echo "|---|---|---|---|---|---|"
for g in measured declared random; do
  out="runs/exp2-grouping-$g"
  # the log's topology lines: "site-0: clients at the site [...], edge group [...] (N from other sites)"
  away=$(grep -o '([0-9]* from other sites)' "$out/run.log" | tr -dc '0-9\n' | awk '{ s += $1 } END { print s + 0 }')
  awk -F, -v g="$g" -v away="$away" -v target="$TARGET" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { r = $col["round"]; t = $col["sim_seconds"]; a = $col["test_accuracy"]; wan += $col["wan_bytes"]; n = r; last = t
      if (a != "" && a != "NaN") final = a
      if (hit == "" && a != "" && a != "NaN" && a >= target) { hit = sprintf("%.1f (round %d)", t, r); hw = sprintf("%.1f", wan / 1e6) } }
    END { if (hit == "") { hit = "—"; hw = "—" }
          printf "| %s | %d of 20 | %.2f | %s | %s | %.2f%% |\n", g, away, last / n, hit, hw, 100 * final }
  ' "$out/metrics.csv"
done

svg=()
for k in $REGIONS; do
  [[ -n $CHARTS ]] && svg=(--svg "accuracy-by-virtual-time=$CHARTS-r$k-time.svg"
                           --svg "accuracy-by-wan-bytes=$CHARTS-r$k-wan.svg")
  $DML4J compare "runs/exp2-flat-r$k" "runs/exp2-hierfavg-r$k" --target "$TARGET" --out "runs/exp2-r$k" \
      ${svg[@]+"${svg[@]}"} > /dev/null 2>&1
done
[[ -n $CHARTS ]] && svg=(--svg "accuracy-by-virtual-time=$CHARTS-grouping-time.svg")
$DML4J compare runs/exp2-grouping-measured runs/exp2-grouping-declared runs/exp2-grouping-random \
    --target "$TARGET" --out runs/exp2-grouping ${svg[@]+"${svg[@]}"} > /dev/null 2>&1
