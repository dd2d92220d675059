# latency.gp - request latency percentiles over time: end to end (top) and
# time to first token (bottom), p50 / p95 / p99 of the requests that
# completed in each bucket (all clients); on the top panel also the time to
# give up (p50 / p99) of the requests that failed in each bucket (colours 4, 5).
#
# A ratesim chart template (docs/charts.md, plots/README.md).  Variables set
# before it:
#   datafile, outfile, format, title   (every chart)
#   azm_*                            Azure Monitor's metric names (sim/monitor.c), in captions
#   t_min                            the axis' start: 0, or plot --window's start
#   t_max                            the last bucket's start (in the time axis' unit)
#   t_label, n_spans, span_*   the time axis' title and shaded spans (style.gp)
#   latency_points, ttft_points      buckets with a value (0: nothing succeeded)
#   failed_points                    buckets with a failed request's time to give up
#   latency_max_ms, ttft_max_ms      the largest value of each panel (ms; the top
#                                    one includes the failed requests' p99)
# datafile, one row per bucket, ms ("NaN": no request completed, a gap):
# 1 time  2-4 latency p50 p95 p99  5-7 time to first token p50 p95 p99
# 8-9 failed requests' time to give up p50 p99 (may be missing: older .dat)

# Seconds once a panel reaches 2 s, else milliseconds.
lat_scale = (latency_max_ms >= 2000) ? 1000 : 1
lat_unit = (lat_scale == 1000) ? "s" : "ms"
ttft_scale = (ttft_max_ms >= 2000) ? 1000 : 1
ttft_unit = (ttft_scale == 1000) ? "s" : "ms"
array pct_name[3] = ["p50", "p95", "p99"]

set multiplot title title . ": latency" font title_font
# Azure Monitor's names, and why these are not quite them: the service's are
# one attempt's, these the client's wait for a request, retries included
set label 990 "end to end: the client's wait for a successful request, retries included " . \
	"(" . azm_time_to_last_byte . " is one attempt's)." \
	at screen 0.5, 0.925 center font "sans,12" textcolor rgb "#404040"
set lmargin at screen panel_left
set rmargin at screen panel_right
set xrange [t_min:(t_max > t_min ? t_max : t_min + 1)]

set tmargin at screen top_panel
set bmargin at screen split + 0.03
set format x ""
set ylabel "end to end (" . lat_unit . ")"
set yrange [0:(latency_max_ms > 0 ? 1.05 * latency_max_ms / lat_scale : 1)]
set key at screen legend_x, top_panel left top Left reverse samplen 2 spacing 1.1
eval spans_on
eval span_labels_on
array fail_col[2] = [8, 9]
array fail_name[2] = ["p50", "p99"]
if (latency_points > 0 && failed_points > 0) {
	plot for [i=1:3] datafile using 1:(column(1 + i) / lat_scale) with lines \
		linetype i title "latency " . pct_name[i], \
	     for [i=1:2] datafile using 1:(column(fail_col[i]) / lat_scale) with lines \
		linetype (3 + i) title "gave up " . fail_name[i]
} else { if (latency_points > 0) {
	plot for [i=1:3] datafile using 1:(column(1 + i) / lat_scale) with lines \
		linetype i title "latency " . pct_name[i]
} else { if (failed_points > 0) {
	plot for [i=1:2] datafile using 1:(column(fail_col[i]) / lat_scale) with lines \
		linetype (3 + i) title "gave up " . fail_name[i]
} else {
	set label 1 "no request succeeded: no latency to show" at graph 0.5, 0.5 center
	plot 2 notitle
	unset label 1
} } }

unset label 990
set label 991 "time to first token, from the request's first attempt (" . \
	azm_time_to_response . " is one attempt's)." \
	at screen (panel_left + panel_right) / 2, split center font "sans,12" textcolor rgb "#404040"
set tmargin at screen split - 0.03
set bmargin at screen bottom_panel
set format x "%g"
set xlabel t_label
eval span_labels_off
set ylabel "time to first token (" . ttft_unit . ")"
set yrange [0:(ttft_max_ms > 0 ? 1.05 * ttft_max_ms / ttft_scale : 1)]
set key at screen legend_x, split - 0.03 left top Left reverse samplen 2 spacing 1.1
if (ttft_points > 0) {
	plot for [i=1:3] datafile using 1:(column(4 + i) / ttft_scale) with lines \
		linetype i title "TTFT " . pct_name[i]
} else {
	set label 1 "no request succeeded: no time to first token to show" \
		at graph 0.5, 0.5 center
	plot 2 notitle
	unset label 1
}
eval spans_off
unset label 991
unset multiplot
unset output
