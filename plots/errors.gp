# errors.gp - the attempts answered with a server error or not at all (top:
# all attempts and each deployment's) and the client timeouts (bottom) over
# time, beside the 429 chart: an outage shows here, not as 429s.
#
# A ratesim chart template (docs/charts.md, plots/README.md).  Variables set
# before it:
#   datafile, outfile, format, title   (every chart)
#   t_label, n_spans, span_*   the time axis' title and shaded spans (style.gp)
#   n_dep, dep_name[i]    the deployments, in the order of timeseries.csv
#   azm_*                 Azure Monitor's metric names (sim/monitor.c), in captions
#   t_min                 the axis' start: 0, or plot --window's start
#   t_max                 the last point's start
#   has_errors, has_timeouts   1 when timeseries.csv has the column
#   error_max             the largest error share, deployments included (%)
#   error_total_max       the largest error share of all attempts (%)
#   timeout_max           the largest number of timeouts per minute
# datafile, one row per point: 1 time  2 attempts answered 5xx or never
# answered (% of attempts; NaN, a gap, where there was no attempt)  3 client timeouts per minute, then column 3 + i:
# the 5xx share of deployment i (%).

max_series = 6
per_dep = (n_dep >= 2 && n_dep <= max_series) ? n_dep : 0
err_top = per_dep ? error_max : error_total_max

set multiplot title title . ": server errors and timeouts" font title_font
set label 990 "5xx: " . azm_requests . " with status 5xx (or no answer) over all of them." \
	at screen 0.5, 0.925 center font "sans,12" textcolor rgb "#404040"
set lmargin at screen panel_left
set rmargin at screen panel_right
set xrange [t_min:(t_max > t_min ? t_max : t_min + 1)]

set tmargin at screen top_panel
set bmargin at screen 0.44
set format x ""
set ylabel "5xx or no answer (%)"
set yrange [0:(err_top > 0 ? (err_top > 95 ? 100 : 1.05 * err_top) : 1)]
set key at screen legend_x, top_panel left top Left reverse samplen 2 spacing 1.1
eval spans_on
eval span_labels_on
if (has_errors) {
	# A deployment the router stops sending to during an outage has errors in
	# scattered buckets (a gap where it had no attempt): each error is also a
	# dot, which a line between gaps would not show.
	plot datafile using 1:2 with lines linestyle 100 title "all attempts", \
	     for [i=1:per_dep] datafile using 1:(column(3 + i)) with lines \
		linetype series(i) title dep_name[i], \
	     datafile using 1:($2 > 0 ? $2 : NaN) with points linestyle 100 \
		pointtype 7 pointsize 0.6 notitle, \
	     for [i=1:per_dep] datafile using 1:(column(3 + i) > 0 ? column(3 + i) : NaN) \
		with points linetype series(i) pointtype 7 pointsize 0.6 notitle
} else {
	set label 1 "timeseries.csv has no errors column (an older run)" at graph 0.5, 0.5 center
	plot 2 notitle
	unset label 1
}
eval span_labels_off

unset label 990
set tmargin at screen 0.38
set bmargin at screen bottom_panel
set format x "%g"
set xlabel t_label
set ylabel "timeouts/min"
set yrange [0:(timeout_max > 0 ? 1.05 * timeout_max : 1)]
set key at screen legend_x, 0.38 left top Left reverse samplen 2 spacing 1.1
if (has_timeouts) {
	plot datafile using 1:3 with lines linetype 2 linewidth 3 dashtype 1 \
		title "client timeouts:\nattempts given up on"
} else {
	set label 1 "timeseries.csv has no timeouts column (an older run)" at graph 0.5, 0.5 center
	plot 2 notitle
	unset label 1
}
eval spans_off
unset multiplot
unset output
