#!/usr/bin/env bash
# Summarises a perf recording of a proxy (make bench with BENCH_PROFILE=perf writes one per load
# row, latest-raw/<proxy>-<row>.perf): the CPU split by where the code lives (the kernel, the TLS
# library, the JVM itself, JIT-compiled Java, nginx), then the hottest symbols.
# Usage: bench/perf-summary.sh <recording.perf> [top N, default 30]
set -euo pipefail
file=$1
top=${2:-30}
echo "== $file: CPU by binary (self time) =="
perf report -i "$file" --no-children --sort dso --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -15
echo
echo "== hottest symbols (self time) =="
perf report -i "$file" --no-children --sort dso,sym --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -"$top"
