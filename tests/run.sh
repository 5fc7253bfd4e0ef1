#!/usr/bin/env bash
# run.sh: every test suite in order, each summed into one closing line "N passed, N failed".
#
#   tests/run.sh all    static checks, unit, conformance, fuzz replay (test build); the real stack with the
#                       test build: integration, browser and fault tests; then the ASan+UBSan build: unit,
#                       conformance, fuzz replay and integration tests with zero sanitizer reports
#   tests/run.sh asan   only the ASan+UBSan part
#   tests/run.sh quick  static, unit, conformance, fuzz replay (no stack)
# A suite prints lines "name: N passed, N failed"; a suite that crashes or prints no such line counts as a
# failure. Logs of every suite are kept in var/test/results/.
set -uo pipefail
export ECC_MODE=test
. "$(dirname "${BASH_SOURCE[0]}")/../ops/dev/env.sh"
cd "$ECC_ROOT"
export SHARED=${SHARED:-$(cd "$ECC_ROOT/../shared" 2>/dev/null && pwd)}
RESULTS=$ECC_VAR/results
mkdir -p "$RESULTS"
TOTAL_PASS=0
TOTAL_FAIL=0
FAILED_SUITES=()

# run_suite LABEL CMD... : run, show its summary lines, add them up
run_suite() {
	local label=$1; shift
	local log=$RESULTS/$(echo "$label" | tr '/ ' '__').log
	local start=$SECONDS rc
	"$@" >"$log" 2>&1 </dev/null
	rc=$?
	local p=0 f=0 lines
	lines=$(grep -aE '^[A-Za-z0-9_.:/+-]+: [0-9]+ passed, [0-9]+ failed' "$log" || true)
	if [ -n "$lines" ]; then
		p=$(echo "$lines" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\1/' | awk '{s+=$1} END {print s+0}')
		f=$(echo "$lines" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\2/' | awk '{s+=$1} END {print s+0}')
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	if [ -z "$lines" ] && [ "$rc" -eq 0 ]; then f=1; echo "  (no summary line)" >>"$log"; fi
	TOTAL_PASS=$((TOTAL_PASS + p))
	TOTAL_FAIL=$((TOTAL_FAIL + f))
	printf '  %-46s %5d passed, %3d failed  (%ds)\n' "$label" "$p" "$f" $((SECONDS - start))
	grep -aE '^(REPORT|mustache-spec) ' "$log" | sed 's/^/      /' || true
	if [ "$f" -ne 0 ]; then
		FAILED_SUITES+=("$label")
		echo "  ---- $log (last 25 lines) ----"
		tail -n 25 "$log" | sed 's/^/  | /'
	fi
}

static_suites() {
	echo "== static checks"
	local s
	for s in tests/static/*; do
		[ -x "$s" ] || [ "${s##*.}" = py ] || continue
		case "$s" in
		*.py) run_suite "static/$(basename "$s")" /usr/bin/python3 "$s" ;;
		*) run_suite "static/$(basename "$s")" "$s" ;;
		esac
	done
}

binary_suites() { # build dir
	local b=$1 t
	echo "== unit and conformance ($(basename "$b"))"
	for t in $(find "$b/tests/unit" "$b/tests/conformance" -type f -perm -u+x 2>/dev/null | sort); do
		run_suite "$(basename "$b")/${t#"$b"/tests/}" "$t"
	done
	echo "== fuzz corpus replay ($(basename "$b"))"
	for t in $(find "$b/tests/replay" -type f -perm -u+x 2>/dev/null | sort); do
		local name=${t##*/fuzz_}
		run_suite "$(basename "$b")/fuzz/$name" "$t" "fuzz-$name" "tests/fuzz/corpus/$name"
	done
}

# the platform emulators' own test: they must behave like the documented APIs before anything is measured on them
emulator_suite() {
	echo "== platform emulators"
	run_suite "emulators/test_emulators.py" /usr/bin/python3 tests/emulators/test_emulators.py
}

stack_suites() { # label
	echo "== integration against the real stack ($1)"
	local t
	for t in tests/integration/t*; do
		# sqlmap takes minutes and tests the SQL layer, not memory safety: once, on the test build
		if [ "$1" = asan ] && [[ $t == */t06* ]]; then continue; fi
		case "$t" in
		*.py) run_suite "$1/$(basename "$t")" /usr/bin/python3 "$t" ;;
		*.sh) run_suite "$1/$(basename "$t")" bash "$t" ;;
		esac
	done
}

stack_up() {
	if ! ops/dev/stack.sh start >"$RESULTS/stack-start-$1.log" 2>&1; then
		echo "stack did not start ($1):"; tail -n 40 "$RESULTS/stack-start-$1.log"
		TOTAL_FAIL=$((TOTAL_FAIL + 1)); FAILED_SUITES+=("stack-start-$1")
		return 1
	fi
}
stack_down() { ops/dev/stack.sh stop >"$RESULTS/stack-stop-$1.log" 2>&1 || true; }

asan_part() {
	local b=$ECC_ROOT/build/asan
	export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:log_path=$ECC_VAR/asan/asan"
	export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$ECC_VAR/asan/ubsan"
	rm -rf "$ECC_VAR/asan"; mkdir -p "$ECC_VAR/asan"
	binary_suites "$b"
	# the sync suites read every order the emulators hold; 2,000 instead of 10,000 under the sanitizers
	# exercise the same paths (the test pass already proves the volume)
	export ECC_BUILD=$b ECC_SUITE_ASAN=1 ECC_EMU_ORDERS=2000
	if stack_up asan; then
		stack_suites asan
		stack_down asan
	fi
	unset ECC_SUITE_ASAN ECC_EMU_ORDERS
	echo "== sanitizer reports"
	run_suite "asan/reports" bash -c '
		n=$(find "$1" -type f | wc -l)
		if [ "$n" -eq 0 ]; then echo "sanitizer-reports: 1 passed, 0 failed"; else
			for f in $(find "$1" -type f | head -5); do echo "== $f"; head -40 "$f"; done
			echo "sanitizer-reports: 0 passed, 1 failed"; exit 1; fi' _ "$ECC_VAR/asan"
	unset ASAN_OPTIONS UBSAN_OPTIONS
}

trap 'ops/dev/stack.sh stop >/dev/null 2>&1 || true' EXIT
ops/dev/stack.sh stop >/dev/null 2>&1 || true
if [ "${1:-all}" = all ]; then
	# every full run starts from nothing: a fresh database, keys and certificates
	rm -rf "$ECC_VAR"
	mkdir -p "$RESULTS"
fi
case "${1:-all}" in
quick)
	static_suites
	binary_suites "$ECC_ROOT/build/test"
	emulator_suite
	;;
asan)
	asan_part
	;;
all)
	static_suites
	binary_suites "$ECC_ROOT/build/test"
	emulator_suite
	export ECC_BUILD=$ECC_ROOT/build/test
	if stack_up test; then
		stack_suites test
		if [ -x tests/e2e/run.sh ]; then
			echo "== browser (Playwright + Chromium)"
			run_suite "e2e" tests/e2e/run.sh
		fi
		echo "== fault tests"
		for t in tests/fault/t*; do
			[ -e "$t" ] || continue
			run_suite "fault/$(basename "$t")" bash "$t"
		done
		stack_down test
	fi
	asan_part
	;;
*) echo "usage: tests/run.sh all|asan|quick" >&2; exit 2 ;;
esac

echo
if [ ${#FAILED_SUITES[@]} -gt 0 ]; then echo "failed suites: ${FAILED_SUITES[*]}"; fi
echo "$TOTAL_PASS passed, $TOTAL_FAIL failed"
[ "$TOTAL_FAIL" -eq 0 ]
