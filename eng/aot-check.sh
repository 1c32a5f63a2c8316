#!/usr/bin/env bash
# Publishes samples/K8sNet.Samples.Aot as a native executable and runs it: the request-path packages (Abstractions,
# Dns, Routing, Grpc, ServiceDiscovery) must publish without a trimming or AOT warning and work.
# Native AOT links with clang when present, else gcc (Debian's build-essential).
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
linker=""
command -v clang >/dev/null 2>&1 || linker="-p:CppCompilerAndLinker=gcc"
log=$(mktemp)
dotnet publish samples/K8sNet.Samples.Aot -c Release -r linux-x64 -o "$out" $linker >"$log" 2>&1
status=$?
warnings=$(grep -E "warning (IL|CS)[0-9]+" "$log" | sort -u)
if [ $status -ne 0 ]; then
  tail -30 "$log"; echo "aot-check: publish failed"; exit 1
fi
if [ -n "$warnings" ]; then
  echo "$warnings"; echo "aot-check: trimming/AOT warnings"; exit 1
fi
run=$("$out/K8sNet.Samples.Aot" 2>&1)
echo "$run" | grep -E "^(GET|M\.E|policy)"
echo "$run" | grep -q "policy PeakEwma" && echo "$run" | grep -q "Host: orders.shop" || { echo "aot-check: the native sample did not route"; exit 1; }
echo "aot-check: native executable $(du -h "$out/K8sNet.Samples.Aot" | cut -f1), no trimming or AOT warning"
rm -rf "$out" "$log"
