# size.gp - one target of a sizing search: the figure at every value of the
# parameter the search tried (mean with its 95% interval), the target's
# threshold, the answer, and what the average-based sizing formula says.
#
# A ratesim chart template (docs/charts.md, plots/README.md).  Variables set
# before it:
#   datafile, outfile, format, title   (every chart)
#   figure, target, xlabel     the figure (y), the target as written, the
#                              parameter (x)
#   threshold                  the target's bound
#   answer                     the answer (NaN: none within the range)
#   formula                    the formula's answer (NaN: none)
#   n_rep                      replications per value
#   y_nonneg                   1 when nothing is below 0: y starts at 0
# datafile, one row per value tried, by value: 1 value  2 mean  3 half-width

set title title . ": " . target font title_font
set lmargin at screen panel_left
set rmargin at screen panel_right
set xlabel xlabel
set ylabel figure
set key at screen legend_x, top_panel left top Left reverse samplen 2 spacing 1.2
set offsets graph 0.05, graph 0.05, graph 0.1, graph (y_nonneg ? 0 : 0.1)
if (y_nonneg) { set yrange [0:*] }
set arrow 1 from graph 0, first threshold to graph 1, first threshold nohead linestyle 101
if (answer == answer) {
	set arrow 2 from first answer, graph 0 to first answer, graph 1 nohead \
		linetype 3 linewidth 2.5 dashtype 1
	set label 2 sprintf(" answer: %g", answer) at first answer, graph 0.95 left textcolor lt 3
}
if (formula == formula) {
	set arrow 3 from first formula, graph 0 to first formula, graph 1 nohead \
		linetype 2 linewidth 2 dashtype 2
	set label 3 sprintf(" formula: %g", formula) at first formula, graph 0.88 left textcolor lt 2
}
plot datafile using 1:2:3 with yerrorlines linetype 1 pointtype 7 pointsize 1.2 \
	title sprintf("simulated (%d runs, 95%% CI)", n_rep), \
     NaN with lines linestyle 101 title sprintf("target bound: %g", threshold)
unset output
