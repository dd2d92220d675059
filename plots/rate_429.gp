# rate_429.gp - the 429 rate over time (top: all attempts and each
# deployment's) and the final-failure rate (bottom).
#
# A ratesim chart template (docs/charts.md, plots/README.md).  Variables set
# before it:
#   datafile, outfile, format, title   (every chart)
#   n_dep, dep_name[i]    the deployments, in the order of timeseries.csv
#   azm_*                 Azure Monitor's metric names (sim/monitor.c), in captions
#   t_min                 the axis' start: 0, or plot --window's start
#   t_max                 the last point's start (in the time axis' unit)
#   t_label               the time axis' title: "time (min)", "(h)" or "(days)"
#   n_spans, span_*       the shaded spans (warm-up, faults; style.gp)
#   n_marks, mark_*       the alert marks (style.gp)
#   rate_max              the largest 429 rate, deployments included (%)
#   rate_total_max        the largest 429 rate of all attempts (%)
#   fail_max              the largest final-failure rate (%)
#   split_n               the parties that refused, when more than one (else 0):
#   split_col[k], split_name[k]   the .dat column of the k-th and its legend
# datafile, one row per point (a bucket, or several on a long run): 1 time  2 429 rate of all attempts (%)
# 3 final failures (% of the requests that ended in the bucket), then column
# 3 + i: the 429 rate of deployment i (%), then three columns: the share of
# attempts refused by the service, the gateway and the router (%).

max_series = 6
per_dep = (n_dep >= 2 && n_dep <= max_series) ? n_dep : 0
rate_top = per_dep ? rate_max : rate_total_max

set multiplot title title . ": 429s and failures" font title_font
set label 990 "429 rate: " . azm_requests . " with status 429 over all of them." \
	at screen 0.5, 0.925 center font "sans,12" textcolor rgb "#404040"
set lmargin at screen panel_left
set rmargin at screen panel_right
set xrange [t_min:(t_max > t_min ? t_max : t_min + 1)]

# The top panel is taller: it is the one a reviewer reads first.
set tmargin at screen top_panel
set bmargin at screen 0.44
set format x ""
set ylabel "429 rate (% of attempts)"
set yrange [0:(rate_top > 0 ? (rate_top > 95 ? 100 : 1.05 * rate_top) : 1)]
set key at screen legend_x, top_panel left top Left reverse samplen 2 spacing 1.1
eval spans_on
eval span_labels_on
eval marks_on
eval mark_labels_on
# Who refused (issue 9): dashed lines, one per party, when more than one
# party refused; they add up to the "all attempts" line.
plot datafile using 1:2 with lines linestyle 100 title "all attempts", \
     for [i=1:per_dep] datafile using 1:(column(3 + i)) with lines \
	linetype series(i) title dep_name[i], \
     for [k=1:split_n] datafile using 1:(column(split_col[k])) with lines \
	linetype series(per_dep + k) dashtype 2 linewidth 2 title split_name[k], \
     for [s=1:(n_marks > 0)] keyentry with lines linestyle 104 title "alert fired"

unset label 990
set tmargin at screen 0.38
set bmargin at screen bottom_panel
set format x "%g"
set xlabel t_label
set ylabel "failed (% of ended)"
eval span_labels_off
eval mark_labels_off
set yrange [0:(fail_max > 0 ? (fail_max > 95 ? 100 : 1.05 * fail_max) : 1)]
set key at screen legend_x, 0.38 left top Left reverse samplen 2 spacing 1.1
plot datafile using 1:3 with lines linetype 2 linewidth 3 dashtype 1 \
	title "final failures:\nrequests that gave up"
eval spans_off
eval marks_off
unset multiplot
unset output
