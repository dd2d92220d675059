# seedworld.sh - issue 9 from the command line: images in requests (seed
# 001), random outages from an availability (seed 002) and the regions that
# offer a model (seed 000).
. tests/lib.sh

# A figure of one client's block in summary.json ("name": NAME ... "KEY": N).
client_figure() {
	sed -n "/\"name\":	\"$2\"/,/\"output_tokens\"/p" "$1" | grep "\"$3\":" | head -n 1 |
		sed 's/.*:[[:space:]]*//; s/,$//'
}

# images: 6 low-detail images (85 each) and a 100-token text are 610 prompt
# tokens a request, in the results' prompt tokens
if "$RATESIM" run scenarios/vision-images.json -o "$TMP/vis" --quiet --no-charts; then
	ok=$(client_figure "$TMP/vis/summary.json" thumbnails succeeded)
	pt=$(client_figure "$TMP/vis/summary.json" thumbnails prompt_tokens)
	[ -n "$ok" ] && [ "$pt" = "$((ok * 610))" ] && pass images-prompt-tokens ||
		fail images-prompt-tokens "prompt_tokens $pt for $ok requests, want 610 each"
else
	fail images-prompt-tokens "run failed"
fi
expect images-bad-detail 1 \
	'ratesim: scenarios/vision-images.json: .clients[1].images.detail: must be one of: low, high (got string "max")' \
	-- validate scenarios/vision-images.json --set 'clients[1].images.detail="max"'

# outages: every deployment reports its measured availability; the client
# bound to eastus loses requests to its outages, the gateway none
if "$RATESIM" run scenarios/outages-sla.json -o "$TMP/sla" --quiet --no-charts; then
	n=$(grep -c '"availability":' "$TMP/sla/summary.json")
	lost=$(client_figure "$TMP/sla/summary.json" bound-to-eastus failed)
	gw=$(client_figure "$TMP/sla/summary.json" through-gateway failed)
	[ "$n" = 4 ] && [ "$lost" -gt 0 ] && [ "$gw" = 0 ] && pass outages-in-summary ||
		fail outages-in-summary "$n availabilities, bound lost $lost, gateway lost $gw"
	grep -q '"availability":	0\.99' "$TMP/sla/summary.json" && pass outages-measured ||
		fail outages-measured "$(grep '"availability"' "$TMP/sla/summary.json")"
else
	fail outages-in-summary "run failed"
fi
# without outages, no availability figure (the summaries of other scenarios do not move)
"$RATESIM" run scenarios/outages-sla.json -o "$TMP/none" --quiet --no-charts --set 'outages=[]' &&
	! grep -q '"availability"' "$TMP/none/summary.json" && pass outages-none ||
	fail outages-none "an availability without outages"
expect outages-bad-availability 1 \
	'ratesim: scenarios/outages-sla.json: .outages[0].availability: must be > 0 and <= 1 (got 99.9)' \
	-- validate scenarios/outages-sla.json --set 'outages[0].availability=99.9'
expect outages-bad-repair 1 \
	'ratesim: scenarios/outages-sla.json: .outages[4].repair_s.max: must be >= min (600) (got 60)' \
	-- validate scenarios/outages-sla.json --set 'outages[4].repair_s.max=60'

# regions: a model where the table does not list it is a warning (exit 0),
# with strict_availability an error (exit 1); a valid layout says nothing
G=scenarios/seed-6-regions-gpt4.json
W='ratesim: warning: scenarios/seed-6-regions-gpt4.json: .deployments[0].region: gpt-4 is not offered in westeurope (offered in: canadaeast, eastus, eastus2, francecentral, japaneast, uksouth (0613, as of 2023-08, seed 000))'
expect regions-strict 1 \
	'ratesim: scenarios/seed-6-regions-gpt4.json: .deployments[0].region: gpt-4 is not offered in westeurope (offered in: canadaeast, eastus, eastus2, francecentral, japaneast, uksouth (0613, as of 2023-08, seed 000)); strict_availability is true' \
	-- validate "$G" --set 'deployments[0].region="westeurope"' --set 'quotas[0].region="westeurope"'
expect regions-warning 0 "$W" \
	-- validate "$G" --quiet --set 'deployments[0].region="westeurope"' --set 'quotas[0].region="westeurope"' \
	--set strict_availability=false
expect regions-offered 0 '' -- validate "$G" --quiet
expect regions-bad-flag 1 \
	'ratesim: scenarios/seed-6-regions-gpt4.json: .strict_availability: must be true or false (got string "yes")' \
	-- validate "$G" --set 'strict_availability="yes"'
# the warning changes nothing: the same run with and without it, but for the region's name
S="--set duration_s=300 --set strict_availability=false"
"$RATESIM" run "$G" -o "$TMP/w1" --quiet --no-charts $S &&
	"$RATESIM" run "$G" -o "$TMP/w2" --no-charts $S --set 'deployments[0].region="westeurope"' \
		--set 'quotas[0].region="westeurope"' 2>"$TMP/w2.err" >/dev/null &&
	grep -q 'ratesim: warning: ' "$TMP/w2.err" &&
	sed 's/westeurope/canadaeast/; /"overrides"/,/\]/d' "$TMP/w2/summary.json" >"$TMP/w2.s" &&
	sed '/"overrides"/,/\]/d' "$TMP/w1/summary.json" >"$TMP/w1.s" && cmp -s "$TMP/w1.s" "$TMP/w2.s" &&
	pass regions-warning-changes-nothing ||
	fail regions-warning-changes-nothing "$(diff "$TMP/w1.s" "$TMP/w2.s" | head -n 5)"

# images in both meters.  Standard: 10 text tokens + one 1024 x 1024 image
# at high detail (765) + max_tokens 300 = 1,075 > the whole 1,000 TPM, so
# every attempt is refused, while without the image (310) none is.
# Provisioned: each admitted request is charged 85 tokens more for one
# low-detail image.
cat >"$TMP/img.json" <<'JSON'
{ "name": "img", "duration_s": 60, "seed": 1,
  "quotas": [ { "region": "eastus", "model": "gpt-4o", "tpm": 1000 } ],
  "deployments": [
    { "name": "std", "region": "eastus", "model": "gpt-4o", "tpm": 1000 },
    { "name": "ptu", "region": "eastus", "model": "gpt-4o", "kind": "provisioned", "ptu": 50 } ],
  "clients": [
    { "name": "a", "target": "std", "arrival": { "process": "constant", "rate_rps": 0.05 },
      "prompt_tokens": 10, "output_tokens": 10, "max_tokens": { "policy": "fixed", "value": 300 },
      "images": { "width": 1024, "height": 1024 } },
    { "name": "b", "target": "ptu", "arrival": { "process": "constant", "rate_rps": 1 },
      "prompt_tokens": 10, "output_tokens": 10, "max_tokens": { "policy": "fixed", "value": 300 },
      "images": { "detail": "low" } } ] }
JSON
ptu_charged() { sed -n '/"charged_at_admission"/{s/.*:[[:space:]]*//; s/,$//; p; q}' "$1"; }
ptu_ok() { sed -n '/"name":	"ptu"/,/"ok"/p' "$1" | sed -n '/"ok"/{s/.*:[[:space:]]*//; s/,$//; p; q}'; }
if "$RATESIM" run "$TMP/img.json" -o "$TMP/i1" --quiet --no-charts &&
	"$RATESIM" run "$TMP/img.json" -o "$TMP/i0" --quiet --no-charts \
		--set 'clients[0].images.count=0' --set 'clients[1].images.count=0'; then
	ok1=$(client_figure "$TMP/i1/summary.json" a succeeded)
	ok0=$(client_figure "$TMP/i0/summary.json" a succeeded)
	[ "$ok1" = 0 ] && [ "$ok0" -gt 0 ] && pass images-in-standard-estimate ||
		fail images-in-standard-estimate "succeeded with the image $ok1, without $ok0"
	c1=$(ptu_charged "$TMP/i1/summary.json"); c0=$(ptu_charged "$TMP/i0/summary.json")
	n=$(ptu_ok "$TMP/i1/summary.json")
	[ -n "$n" ] && [ "$n" -gt 0 ] && [ "$((c1 - c0))" = "$((85 * n))" ] && pass images-in-ptu-charge ||
		fail images-in-ptu-charge "charged $c1 with, $c0 without, $n admitted"
else
	fail images-in-meters "run failed"
fi

# a region-wide outage takes every deployment of the region down at once:
# both eastus deployments report the same availability (< 1) and errors,
# westus none
cat >"$TMP/reg.json" <<'JSON'
{ "name": "reg", "duration_s": 86400, "seed": 4, "bucket_s": 600,
  "deployments": [
    { "name": "a", "region": "eastus", "model": "gpt-4o", "tpm": 100000 },
    { "name": "b", "region": "eastus", "model": "gpt-4o-mini", "tpm": 100000 },
    { "name": "c", "region": "westus", "model": "gpt-4o", "tpm": 100000 } ],
  "outages": [ { "region": "eastus", "availability": 0.9, "repair_s": 600 } ],
  "clients": [
    { "name": "ka", "target": "a", "arrival": { "process": "constant", "rate_rps": 0.2 },
      "prompt_tokens": 10, "output_tokens": 10 },
    { "name": "kb", "target": "b", "arrival": { "process": "constant", "rate_rps": 0.2 },
      "prompt_tokens": 10, "output_tokens": 10 },
    { "name": "kc", "target": "c", "arrival": { "process": "constant", "rate_rps": 0.2 },
      "prompt_tokens": 10, "output_tokens": 10 } ] }
JSON
dep_figure() {
	sed -n "/\"name\":	\"$2\",/,/\"availability\"/p" "$1" | grep "\"$3\":" | head -n 1 |
		sed 's/.*:[[:space:]]*//; s/,$//'
}
if "$RATESIM" run "$TMP/reg.json" -o "$TMP/reg" --quiet --no-charts; then
	aa=$(dep_figure "$TMP/reg/summary.json" a availability)
	ab=$(dep_figure "$TMP/reg/summary.json" b availability)
	ac=$(dep_figure "$TMP/reg/summary.json" c availability)
	ea=$(dep_figure "$TMP/reg/summary.json" a error)
	eb=$(dep_figure "$TMP/reg/summary.json" b error)
	ec=$(dep_figure "$TMP/reg/summary.json" c error)
	[ -n "$aa" ] && [ "$aa" = "$ab" ] && [ "$aa" != 1 ] && [ "$ac" = 1 ] &&
		[ "$ea" -gt 0 ] && [ "$eb" -gt 0 ] && [ "$ec" = 0 ] && pass outages-region-wide ||
		fail outages-region-wide "availability a $aa b $ab c $ac, errors a $ea b $eb c $ec"
else
	fail outages-region-wide "run failed"
fi

finish
