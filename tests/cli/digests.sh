# digests.sh - the results of three shipped scenarios held byte for byte
# against the sha256 digests in tests/digests.txt, so that speed work (or
# anything else) cannot change a result silently.
#
# The four cover the standard meter and the retry policies
# (retry-policies), the provisioned meter with spillover to a standard
# deployment (ptu-spillover), routers in front of deployments with two
# retry policies (seed-prod-staging), and a run whose successes complete
# ahead (quickstart: no completion event, attempt.c); each run writes
# requests.csv (--log-requests) besides summary.json and timeseries.csv.
# Each also runs without the request log, which takes the runs' fast paths
# (completions ahead, no log records): its summary.json and timeseries.csv
# must have the same digests.
#
# A change that is meant to change results re-pins the digests with
#     sh tests/cli/digests.sh --update
# and says why in its commit message.
. tests/lib.sh
DIGESTS=tests/digests.txt
SCENARIOS="retry-policies ptu-spillover seed-prod-staging quickstart"
FILES="summary.json timeseries.csv requests.csv"

# The digests of every held file, one "sha256  scenario/file" line each.
compute() {
	for s in $SCENARIOS; do
		"$RATESIM" run "scenarios/$s.json" -o "$TMP/$s" --quiet --no-charts --log-requests ||
			{ echo "run-$s-failed"; continue; }
		for f in $FILES; do
			if [ -f "$TMP/$s/$f" ]; then
				echo "$(sha256sum < "$TMP/$s/$f" | cut -d' ' -f1)  $s/$f"
			else
				echo "missing  $s/$f"
			fi
		done
	done
}

if [ "${1:-}" = --update ]; then
	compute > "$TMP/new" || exit 1
	if grep -Eq '^(missing|run-)' "$TMP/new"; then
		echo "digests.sh: a run failed; $DIGESTS left as it was" >&2
		cat "$TMP/new" >&2
		exit 1
	fi
	cp "$TMP/new" "$DIGESTS"
	echo "digests.sh: wrote $DIGESTS"
	exit 0
fi

compute > "$TMP/got"
# the same runs without the request log
for s in $SCENARIOS; do
	"$RATESIM" run "scenarios/$s.json" -o "$TMP/plain-$s" --quiet --no-charts ||
		{ fail "unlogged-$s" "the run failed"; continue; }
	for f in summary.json timeseries.csv; do
		got=$(sha256sum < "$TMP/plain-$s/$f" | cut -d' ' -f1)
		want=$(grep "  $s/$f\$" "$DIGESTS" | cut -d' ' -f1)
		if [ "$got" = "$want" ]; then
			pass "unlogged-$s/$f"
		else
			fail "unlogged-$s/$f" "sha256 $got without --log-requests, want $want (as with it)"
		fi
	done
done
for s in $SCENARIOS; do
	for f in $FILES; do
		want=$(grep "  $s/$f\$" "$DIGESTS" | cut -d' ' -f1)
		got=$(grep "  $s/$f\$" "$TMP/got" | cut -d' ' -f1)
		if [ -z "$want" ]; then
			fail "digest-$s/$f" "no digest in $DIGESTS"
		elif [ "$got" = "$want" ]; then
			pass "digest-$s/$f"
		else
			fail "digest-$s/$f" "sha256 ${got:-none}, want $want (a result changed: see the note at the top)"
		fi
	done
done
finish
