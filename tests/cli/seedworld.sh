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

finish
