#!/usr/bin/env bash
# Adds every public symbol the PublicApiAnalyzers report as undeclared (RS0016) to the project's
# PublicAPI.Unshipped.txt, and drops entries reported as removed (RS0017). Review the diff before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-K8sNet.sln}
log=$(mktemp)
dotnet build "$target" -c Release -p:TreatWarningsAsErrors=false -p:MSBuildTreatWarningsAsErrors=false -p:WarningsAsErrors= --no-incremental >"$log" 2>&1 || true
python3 - "$log" <<'PY'
import re, sys, collections
adds = collections.defaultdict(set); removes = collections.defaultdict(set)
for line in open(sys.argv[1], encoding='utf-8', errors='replace'):
    m = re.search(r"(RS0016|RS0017): Symbol '(.*)' is (?:not part of the declared public API|part of the declared API, but is either not public or could not be found).*\[(.*\.csproj)\]", line)
    if not m: continue
    code, sym, proj = m.groups()
    d = proj.rsplit('/', 1)[0]
    (adds if code == 'RS0016' else removes)[d].add(sym)
for d in set(adds) | set(removes):
    p = d + '/PublicAPI.Unshipped.txt'
    lines = [l.rstrip('\n') for l in open(p, encoding='utf-8')]
    body = [l for l in lines[1:] if l and l not in removes[d]]
    body = sorted(set(body) | adds[d], key=lambda s: s.lstrip('~').lower())
    open(p, 'w', encoding='utf-8').write('#nullable enable\n' + ''.join(l + '\n' for l in body))
    print(f"{p}: +{len(adds[d])} -{len(removes[d])}")
PY
grep -E ' error | warning ' "$log" | grep -vE 'RS0016|RS0017' | sed 's/^.*: \(error\|warning\) /\1 /' | sort -u | head -50 || true
rm -f "$log"
