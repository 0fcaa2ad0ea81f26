# Shell functions shared by the experiment scripts under examples/ (source it; it runs nothing itself).

# to_target METRICS_CSV TARGET: the virtual seconds and the WAN bytes up to the first row whose test accuracy reaches
# TARGET, tab-separated; "-" for each when no row reaches it, and "-" for the bytes when the run has no wan_bytes.
to_target() {
  awk -F, -v target="$2" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { if ("wan_bytes" in col) wan += $col["wan_bytes"]
      a = $col["test_accuracy"]
      if (t == "" && a != "" && a != "NaN" && a >= target) { t = $col["sim_seconds"]; w = ("wan_bytes" in col) ? wan : "" } }
    END { print (t == "" ? "-" : t) "\t" (w == "" ? "-" : w) }
  ' "$1"
}
