# compare_latency.gp - the candidates of a comparison side by side: p95 (top)
# and p99 (bottom) end-to-end request latency over time, one line per
# candidate.
#
# A ratesim chart template (docs/charts.md, plots/README.md).  Variables set
# before it:
#   datafile, outfile, format, title   (every chart; title names the candidates)
#   n_cand, cand_name[i]   the candidates, in the order given to compare
#   cand_key[i]            the names wrapped onto key_lines lines (or cut),
#                          for the legend
#   t_label, n_spans, span_*   the time axis' title, and the warm-up when all
#                          candidates share it (style.gp)
#   latency_cands          those (numbers, as a word list) with a latency
#                          (a candidate where nothing succeeded has none)
#   t_max                  the latest bucket start of any candidate 
#   latency_max_ms         the largest value drawn (ms)
# datafile, index i - 1 for candidate i, one row per bucket, ms ("NaN": no
# request completed, a gap): 1 time   2 latency p95  3 latency p99

lat_scale = (latency_max_ms >= 2000) ? 1000 : 1
lat_unit = (lat_scale == 1000) ? "s" : "ms"

set multiplot title title font title_font
set lmargin at screen panel_left
set rmargin at screen panel_right
set xrange [0:(t_max > 0 ? t_max : 1)]
# Both panels share one scale, so that p95 and p99 compare at a glance.
set yrange [0:(latency_max_ms > 0 ? 1.05 * latency_max_ms / lat_scale : 1)]
if (strlen(latency_cands) == 0) {
	set label 1 "no request succeeded: no latency to show" at graph 0.5, 0.5 center
}

set tmargin at screen top_panel
set bmargin at screen split + 0.03
set format x ""
set ylabel "p95 latency (" . lat_unit . ")"
set key at screen legend_x, top_panel left top Left reverse samplen 2 spacing 1.1 * key_lines
eval spans_on
eval span_labels_on
plot 2 * (latency_max_ms + 1) notitle, \
     for [k in latency_cands] datafile index (num(k) - 1) using 1:($2 / lat_scale) \
	with lines linetype series(num(k)) title cand_key[num(k)]

set tmargin at screen split - 0.03
set bmargin at screen bottom_panel
set format x "%g"
set xlabel t_label
eval span_labels_off
set ylabel "p99 latency (" . lat_unit . ")"
set key at screen legend_x, split - 0.03 left top Left reverse samplen 2 spacing 1.1 * key_lines
plot 2 * (latency_max_ms + 1) notitle, \
     for [k in latency_cands] datafile index (num(k) - 1) using 1:($3 / lat_scale) \
	with lines linetype series(num(k)) title cand_key[num(k)]
eval spans_off
unset multiplot
unset output
