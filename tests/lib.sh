# lib.sh - helpers for the command-line tests (sourced, POSIX sh).
# Each check prints "ok   NAME" or "FAIL NAME: why"; finish prints the
# "N passed, N failed" line that tests/run.sh adds up.
RATESIM=${RATESIM:-./build/ratesim}
passed=0
failed=0
skipped=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1: $2"; }
skip() { skipped=$((skipped + 1)); echo "skip $1: $2"; }

# expect NAME CODE MESSAGE -- ARGS...: ratesim ARGS exits CODE and its
# stderr is exactly MESSAGE (several lines allowed).
expect() {
	name=$1; code=$2; msg=$3; shift 4
	"$RATESIM" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -ne "$code" ]; then
		fail "$name" "exit $rc, want $code (stderr: $(cat "$TMP/err"))"
	elif [ "$(cat "$TMP/err")" != "$msg" ]; then
		fail "$name" "stderr was [$(cat "$TMP/err")], want [$msg]"
	else
		pass "$name"
	fi
}

finish() {
	if [ "$skipped" -gt 0 ]; then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
	[ "$failed" -eq 0 ]
}
