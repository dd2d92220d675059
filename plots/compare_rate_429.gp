# compare_rate_429.gp - the candidates of a comparison side by side: 429 rate
# (top) and final-failure rate (bottom) over time, one line per candidate.
#
# A ratesim chart template (docs/charts.md, plots/README.md).  Variables set
# before it:
#   datafile, outfile, format, title   (every chart; title names the candidates)
#   n_cand, cand_name[i]   the candidates, in the order given to compare
#   cand_key[i]            the names wrapped onto key_lines lines (or cut),
#                          for the legend
#   t_label, n_spans, span_*   the time axis' title, and the warm-up when all
#                          candidates share it (style.gp)
#   t_max                  the latest bucket start of any candidate 
#   rate_max, fail_max     the largest value of each panel (%)
# datafile, index i - 1 for candidate i, one row per bucket: 1 time 
# 2 429 rate (% of attempts)  3 final failures (% of the requests that ended)

set multiplot title title font title_font
set lmargin at screen panel_left
set rmargin at screen panel_right
set xrange [0:(t_max > 0 ? t_max : 1)]

set tmargin at screen top_panel
set bmargin at screen split + 0.03
set format x ""
set ylabel "429 rate (% of attempts)"
set yrange [0:(rate_max > 0 ? (rate_max > 95 ? 100 : 1.05 * rate_max) : 1)]
set key at screen legend_x, top_panel left top Left reverse samplen 2 spacing 1.1 * key_lines
eval spans_on
eval span_labels_on
plot for [i=1:n_cand] datafile index (i - 1) using 1:2 with lines linetype series(i) \
	title cand_key[i]

set tmargin at screen split - 0.03
set bmargin at screen bottom_panel
set format x "%g"
set xlabel t_label
eval span_labels_off
set ylabel "failed (% of ended)"
set yrange [0:(fail_max > 0 ? (fail_max > 95 ? 100 : 1.05 * fail_max) : 1)]
set key at screen legend_x, split - 0.03 left top Left reverse samplen 2 spacing 1.1 * key_lines
plot for [i=1:n_cand] datafile index (i - 1) using 1:3 with lines linetype series(i) \
	title cand_key[i]
eval spans_off
unset multiplot
unset output
