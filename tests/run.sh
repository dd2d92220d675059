#!/bin/sh
# run.sh - run every test and print one summary line: "N passed, N failed"
# (", N skipped" when a test could not run, each named with its reason).
#
# Unit binaries (build/tests/test_*) and command-line tests (tests/cli/*.sh)
# each print "N passed, N failed" as their last line; this adds them up.
# Exit 0 only when nothing failed and every suite ran to its summary line.
set -u
cd "$(dirname "$0")/.." || exit 1
passed=0; failed=0; skipped=0; broken=""
log=build/test-logs; mkdir -p "$log"
run_suite() {
	name=$1; shift
	"$@" >"$log/$name.log" 2>&1
	rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log/$name.log" | tail -n 1)
	if [ -z "$line" ]; then
		broken="$broken $name"; failed=$((failed + 1))
		echo "BROKEN $name (exit $rc, no summary line; see $log/$name.log)"
		tail -n 20 "$log/$name.log"
		return
	fi
	p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
	s=0
	case $line in *skipped*) s=${line#*failed, }; s=${s%% skipped*} ;; esac
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	[ "$s" -gt 0 ] && grep -E '^ *skip ' "$log/$name.log" | sed "s/^ */skip   $name: /"
	if [ "$f" -ne 0 ] || [ "$rc" -ne 0 ]; then
		[ "$f" -eq 0 ] && failed=$((failed + 1))
		echo "FAILED $name: $line"; grep -E 'FAIL' "$log/$name.log" | head -n 40
	else
		echo "ok     $name: $line"
	fi
}
for t in build/tests/test_*; do
	[ -x "$t" ] || continue
	run_suite "$(basename "$t")" "$t"
done
for t in tests/cli/*.sh; do
	[ -f "$t" ] || continue
	run_suite "cli-$(basename "$t" .sh)" sh "$t"
done
# The execution engines (GNU parallel, a single-node Slurm), run for real.
for t in tests/engines/*-smoke.sh tests/engines/*-ratesim.sh; do
	[ -f "$t" ] || continue
	run_suite "engines-$(basename "$t" .sh)" sh "$t"
done
if [ "$skipped" -gt 0 ]; then
	echo "tests: $passed passed, $failed failed, $skipped skipped"
else
	echo "tests: $passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
