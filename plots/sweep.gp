# sweep.gp - one figure of a sweep against its first axis: the mean over
# the replications at each point with its 95% interval as an error bar,
# one line per value of the second axis (if any).
#
# A ratesim chart template (docs/charts.md, plots/README.md).  Variables set
# before it:
#   datafile, outfile, format, title   (every chart)
#   figure, xlabel             the figure (y) and the first axis (x)
#   n_lines, line_name[i]      one line per value of the second axis
#   categorical                1 when the first axis is not numeric: x is the
#                              point's index and xtic_name[i] its value
#   n_x, xtic_name[i]          the first axis's values, in order
#   x_log                      1 for a log axis (a log_steps range)
#   n_rep                      replications per point
#   key_title                  what the lines are (the second axis), or ""
#   y_nonneg                   1 when no interval goes below 0: y starts at 0
# datafile: for line i, the block `index i-1`, one row per value of the
# first axis: 1 x  2 mean  3 half-width of the 95% interval.

set title title . ": " . figure font title_font
set lmargin at screen panel_left
set rmargin at screen panel_right
set xlabel xlabel
set ylabel sprintf("%s (mean of %d, 95%% interval)", figure, n_rep)
set key at screen legend_x, top_panel left top Left reverse samplen 2 spacing 1.2 \
	title key_title left
set offsets graph 0.03, graph 0.03, graph 0.05, graph (y_nonneg ? 0 : 0.05)
if (y_nonneg) { set yrange [0:*] }
if (x_log) { set logscale x 10 }
if (categorical) {
	set xtics () 
	do for [i=1:n_x] { set xtics add (xtic_name[i] i) }
}
plot for [i=1:n_lines] datafile index (i - 1) using 1:2:3 with yerrorlines \
	linetype series(i) pointtype 7 pointsize 1.2 title line_name[i]
unset output
