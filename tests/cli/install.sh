# install.sh - `make install` into a staging root puts the program, its man
# page (with the installed paths filled in), the docs and the JSON Schema
# where --help says they are, and the man page formats without a warning.
. tests/lib.sh
D="$TMP/root"
if make --no-print-directory install DESTDIR="$D" PREFIX=/opt/rs >/dev/null 2>"$TMP/err"; then
	ok=1
	for f in bin/ratesim share/man/man1/ratesim.1 share/doc/ratesim/deciding.md \
		share/doc/ratesim/outputs.md share/ratesim/scenarios/schema.json share/ratesim/scenarios/README.md; do
		[ -s "$D/opt/rs/$f" ] || { fail "installed-$f" "missing"; ok=0; }
	done
	[ $ok = 1 ] && pass install-files
	grep -q '/opt/rs/share/doc/ratesim' "$D/opt/rs/share/man/man1/ratesim.1" && ! grep -q '@DOCDIR@' "$D/opt/rs/share/man/man1/ratesim.1" &&
		pass man-paths || fail man-paths "placeholders left"
	if command -v groff >/dev/null 2>&1; then
		groff -ww -z -man "$D/opt/rs/share/man/man1/ratesim.1" 2>"$TMP/groff" && [ ! -s "$TMP/groff" ] &&
			pass man-formats || fail man-formats "$(head -n 3 "$TMP/groff")"
	else
		skip man-formats "groff is not installed"
	fi
	make --no-print-directory uninstall DESTDIR="$D" PREFIX=/opt/rs >/dev/null 2>&1
	[ -z "$(find "$D" -type f)" ] && pass uninstall || fail uninstall "$(find "$D" -type f | head -n 3)"
else
	fail install-files "make install failed: $(cat "$TMP/err")"
fi
# --help points at the installed reference
"$RATESIM" --help | grep -q 'man ratesim' && pass help-points-at-docs || fail help-points-at-docs "no pointer"
finish
