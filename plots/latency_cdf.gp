# latency_cdf.gp - the distribution of request latency over the run after
# warm-up: the share of succeeded requests that took at most x seconds, on a
# log axis so that fast and slow requests both show.
#
# A ratesim chart template (docs/charts.md, plots/README.md).  Variables set
# before it:
#   datafile, outfile, format, title   (every chart)
#   cdf_points                     rows in datafile (0: nothing succeeded)
#   latency_min_s, latency_max_s   the range of the latency axis (s)
# datafile: 1 latency (s, upper edge of a histogram bin)  2 share of the
# succeeded requests at or below it (%)

set title title . ": latency distribution" font title_font
set lmargin at screen panel_left
set xlabel "request latency, first attempt to last token (s, log scale)"
set ylabel "requests at or below (%)"
set yrange [0:100]
set ytics 10
set logscale x 10
set format x "%g"
set mxtics 10
set key bottom right Left reverse samplen 3

# Whole decades around the data, so that the axis reads 0.1, 1, 10, 100.
lo = (cdf_points > 0) ? 10 ** floor(log10(latency_min_s)) : 0.1
hi = (cdf_points > 0) ? 10 ** ceil(log10(latency_max_s)) : 10
set xrange [lo:(hi > lo ? hi : 10 * lo)]

# The percentiles a summary quotes, as reference lines named on the right.
do for [p in "50 95 99"] {
	set arrow from graph 0, first p+0 to graph 1, first p+0 nohead linestyle 101
}
set y2range [0:100]
set y2tics ("p50" 50, "p95" 95, "p99" 99) scale 0 textcolor rgb "#404040"
set rmargin at screen 0.93
if (cdf_points > 0) {
	plot datafile using 1:2 with steps linetype 1 linewidth 3 title "succeeded requests"
} else {
	set label 100 "no request succeeded: no latency to show" at graph 0.5, 0.5 center
	plot 2 notitle
}
unset output
