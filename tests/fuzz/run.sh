#!/usr/bin/env bash
# run.sh: make fuzz — builds every fuzz target with clang's libFuzzer (+ASan/UBSan) and runs each for FUZZ_SECONDS
# (default 60) starting from its saved corpus; new interesting inputs go to var/fuzz/<name>/, crashes to var/fuzz/crashes/.
# Copy an input worth keeping into tests/fuzz/corpus/<name>/ so CI replays it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
SECONDS_EACH=${FUZZ_SECONDS:-60}
make --no-print-directory VARIANT=fuzz CC=clang fuzz-targets
mkdir -p var/fuzz/crashes
rc=0
for bin in build/fuzz/tests/libfuzzer/fuzz_*; do
	name=${bin##*/fuzz_}
	mkdir -p "var/fuzz/$name"
	echo "== $name (${SECONDS_EACH}s)"
	if ! "$bin" -max_total_time="$SECONDS_EACH" -artifact_prefix=var/fuzz/crashes/"$name"- \
		"var/fuzz/$name" "tests/fuzz/corpus/$name" 2>"var/fuzz/$name.log"; then
		rc=1
		tail -n 30 "var/fuzz/$name.log"
	else
		grep -E '^(Done|#[0-9]+ +DONE)' "var/fuzz/$name.log" | tail -1 || true
	fi
done
exit $rc
