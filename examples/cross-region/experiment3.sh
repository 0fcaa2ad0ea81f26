#!/usr/bin/env bash
# Issue 11, experiment 3: DiLoCo and Local SGD against synchronous data parallelism across 2 to 4 regions (time to
# target and WAN bytes), with DiLoCo's compressed outer delta and DeCo-SGD. Runs examples/cross-region/*.toml and
# prints the markdown table of docs/results.md from the runs' metrics.csv (sim_seconds, wan_bytes), then the ratios.
# Every run takes 400 steps per worker (synchronous DP and DeCo 400 syncs of one step, Local SGD and DiLoCo 20 syncs
# of H = 20). REGIONS (default "4 3 2"; the DiLoCo Top-k and DeCo variants run at 4 only); DML4J (default ./dml4j)
# is the launcher. Runs go to runs/exp3-* (a finished one is reused); `dml4j compare` overlays each region count's
# runs in runs/exp3-r<regions>/report.html and, with CHARTS=PREFIX, writes their accuracy charts by virtual time and
# by WAN bytes to PREFIX-*.svg (docs/results.md shows those written with CHARTS=docs/results-exp3).
#   examples/cross-region/experiment3.sh
#   CHARTS=docs/results-exp3 examples/cross-region/experiment3.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source examples/metrics.sh
DML4J=${DML4J:-./dml4j}
REGIONS=${REGIONS:-4 3 2}
CHARTS=${CHARTS:-}

run() { # name rounds file overrides... (a completed run of that many rounds is reused)
  local name=$1 rounds=$2 file=$3 o out="runs/exp3-$1"; shift 3
  local args=()
  for o in "$@"; do args+=(--set "$o"); done
  if grep -qs '"status": "completed"' "$out/run-manifest.json" \
      && grep -qs "^rounds = $rounds\$" "$out/config.toml"; then
    return 0
  fi
  $DML4J run "$file" --force --out "$out" --set run.name="exp3-$name" "${args[@]}" > "runs/exp3-$name.log" 2>&1
  mv "runs/exp3-$name.log" "$out/run.log"
}

# regions label metrics.csv H: steps (syncs x H), virtual s and WAN MB to 80% and to 84%; final accuracy; totals
row() {
  awk -F, -v k="$1" -v label="$2" -v h="$4" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { r = $col["round"]; t = $col["sim_seconds"]; a = $col["test_accuracy"]; wan += $col["wan_bytes"]; last = t
      if (a != "" && a != "NaN") final = a
      if (s80 == "" && a != "" && a != "NaN" && a >= 0.80) { s80 = r * h; t80 = sprintf("%.1f", t); w80 = sprintf("%.1f", wan / 1e6) }
      if (s84 == "" && a != "" && a != "NaN" && a >= 0.84) { s84 = r * h; t84 = sprintf("%.1f", t); w84 = sprintf("%.1f", wan / 1e6) } }
    END { if (s80 == "") { s80 = "—"; t80 = "—"; w80 = "—" }
          if (s84 == "") { s84 = "—"; t84 = "—"; w84 = "—" }
          printf "| %s | %s | %s | %s | %s | %s | %s | %s | %.2f%% | %.1f | %.1f |\n", k, label, s80, t80, w80, s84, t84,
                 w84, 100 * final, last, wan / 1e6 }
  ' "$3"
}


for k in $REGIONS; do
  run "sync-r$k" 400 examples/cross-region/sync.toml topology.regions=$k
  run "local-sgd-r$k" 20 examples/cross-region/local-sgd.toml topology.regions=$k
  run "diloco-r$k" 20 examples/cross-region/diloco.toml topology.regions=$k
  if [[ $k == 4 ]]; then
    run "diloco-topk-r$k" 20 examples/cross-region/diloco.toml topology.regions=$k compressor.type=topk \
        compressor.ratio=0.05 compressor.error-feedback=true
    run "deco-static-r$k" 400 examples/cross-region/deco.toml topology.regions=$k cross-region.adapt=false \
        'cross-region.ratios=[0.01]'
    run "deco-a01-r$k" 400 examples/cross-region/deco.toml topology.regions=$k cross-region.staleness-cost=0.1
  fi
  run "deco-r$k" 400 examples/cross-region/deco.toml topology.regions=$k
done

echo "8 workers, 400 steps per worker; WAN MB are the sums of wan_bytes up to the row that first reaches the target"
echo
echo "| regions | run | steps to 80% | virtual s to 80% | WAN MB to 80% | steps to 84% | virtual s to 84% | WAN MB to 84% | final accuracy | virtual s, 400 steps | WAN MB, 400 steps |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for k in $REGIONS; do
  row "$k" "synchronous DP" "runs/exp3-sync-r$k/metrics.csv" 1
  row "$k" "Local SGD, H = 20" "runs/exp3-local-sgd-r$k/metrics.csv" 20
  row "$k" "DiLoCo, H = 20" "runs/exp3-diloco-r$k/metrics.csv" 20
  if [[ $k == 4 ]]; then
    row "$k" "DiLoCo, outer delta Top-5% + EF" "runs/exp3-diloco-topk-r$k/metrics.csv" 20
  fi
  row "$k" "DeCo-SGD, adaptive" "runs/exp3-deco-r$k/metrics.csv" 1
  if [[ $k == 4 ]]; then
    row "$k" "DeCo-SGD, static τ = 0, δ = 1%" "runs/exp3-deco-static-r$k/metrics.csv" 1
    row "$k" "DeCo-SGD, adaptive, staleness cost 0.1" "runs/exp3-deco-a01-r$k/metrics.csv" 1
  fi
done
echo
for k in $REGIONS; do
  for target in 0.80 0.84; do
    IFS=$'\t' read -r st sw < <(to_target "runs/exp3-sync-r$k/metrics.csv" $target)
    line="- $k regions, to $(awk -v t=$target 'BEGIN { printf "%.0f%%", 100 * t }') against synchronous DP:"
    for m in local-sgd diloco deco; do
      IFS=$'\t' read -r mt mw < <(to_target "runs/exp3-$m-r$k/metrics.csv" $target)
      if [[ $st != - && $mt != - ]]; then
        line+=$(awk -v m="$m" -v st="$st" -v sw="$sw" -v mt="$mt" -v mw="$mw" \
            'BEGIN { printf " %s %.1f× less time, %.1f× fewer WAN bytes;", m, st / mt, sw / mw }')
      else
        line+=" $m not reached by both;"
      fi
    done
    echo "${line%;}."
  done
done

svg=()
for k in $REGIONS; do
  dirs=("runs/exp3-sync-r$k" "runs/exp3-local-sgd-r$k" "runs/exp3-diloco-r$k" "runs/exp3-deco-r$k")
  [[ $k == 4 ]] && dirs+=("runs/exp3-diloco-topk-r$k")
  [[ -n $CHARTS ]] && svg=(--svg "accuracy-by-virtual-time=$CHARTS-r$k-time.svg"
                           --svg "accuracy-by-wan-bytes=$CHARTS-r$k-wan.svg")
  $DML4J compare "${dirs[@]}" --target 0.84 --out "runs/exp3-r$k" ${svg[@]+"${svg[@]}"} > /dev/null 2>&1
done
