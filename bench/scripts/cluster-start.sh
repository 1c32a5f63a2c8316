#!/usr/bin/env bash
# Time from starting the standalone fake cluster to the first successful `kubectl get ns` (kubectl's own time
# included), over several runs; prints each run and the median in seconds (issue 23's budget: 0.5 s median).
#
#   bench/scripts/cluster-start.sh [RUNS] -- COMMAND [ARGS...]
#   bench/scripts/cluster-start.sh 5 -- k8snet-cluster                       # the installed .NET tool
#   bench/scripts/cluster-start.sh 5 -- dotnet samples/K8sNet.FakeCluster.Server/bin/Release/net10.0/K8sNet.FakeCluster.Server.dll
#
# The command is given --port 0 --kubeconfig DIR/kubeconfig; a fresh kubectl --cache-dir each run (no discovery cache).
set -euo pipefail
runs=${1:-5}; shift || true
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "usage: $0 [RUNS] -- COMMAND [ARGS...]" >&2; exit 2; }
command -v kubectl >/dev/null || { echo "kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/)" >&2; exit 2; }
times=()
for ((i = 1; i <= runs; i++)); do
  dir=$(mktemp -d)
  start=$(date +%s%N)
  "$@" --port 0 --kubeconfig "$dir/kubeconfig" >"$dir/server.log" 2>&1 &
  pid=$!
  until [ -s "$dir/kubeconfig" ] && kubectl --kubeconfig "$dir/kubeconfig" --cache-dir "$dir/cache" get ns >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "the server exited:" >&2; cat "$dir/server.log" >&2; exit 1; }
    sleep 0.01
  done
  end=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
  t=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", (e - s) / 1e9 }')
  times+=("$t")
  echo "run $i: $t s"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
echo "median of $runs: $median s (min $(printf '%s\n' "${times[@]}" | sort -n | head -1), max $(printf '%s\n' "${times[@]}" | sort -n | tail -1))"
