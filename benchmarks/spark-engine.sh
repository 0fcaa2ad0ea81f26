#!/usr/bin/env bash
# Issue 15's benchmark in one run (org.dml4j.spark.EngineBenchmark): the Spark engine's per-round overhead against
# the in-process engine on the same experiment, and the wall time of a 1,000-client, 100-per-round CNN run on
# local[N] against in process (N threads). Both pairs must give identical metrics.csv. Results: benchmarks/SPARK.md.
# Usage: benchmarks/spark-engine.sh [options of EngineBenchmark: --out DIR --master local[2] --threads 2
#        --overhead-rounds 20 --cnn-rounds 3 --cnn-clients 1000 --cnn-per-round 100 --skip-cnn]
# Needs Fashion-MNIST for the CNN part (./dml4j datasets, or apt-get install dataset-fashion-mnist) and a JDK >= 21
# (JAVA_HOME, or the newest under /usr/lib/jvm).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f spark/target/dml4j-spark.jar || ! -f cli/target/dml4j-cli.jar ]]; then
  ./mvnw -B -q -Pspark -DskipTests install -pl cli,spark -am
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/java}"
if [[ -z "$java" ]]; then
  for home in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null || true)
    if [[ -n "$v" && "$v" -ge 21 ]]; then java="$home/bin/java"; break; fi
  done
fi
export SPARK_LOCAL_IP=127.0.0.1
exec "${java:-java}" --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -XX:+UseParallelGC -Xmx6g \
  -cp "cli/target/dml4j-cli.jar:cli/target/lib/*:spark/target/dml4j-spark.jar:spark/target/lib/*" \
  org.dml4j.spark.EngineBenchmark "$@"
