# throughput.gp - tokens per minute (top) and requests per minute (bottom)
# over time: what the clients wanted to send, what was served, and what
# each deployment's limiter counted against its limit.
#
# Served tokens per bucket scaled to a minute can cross the TPM line without
# anything being wrong: the limiter counts a sliding minute, charged with
# estimates at admission, not a bucket.  So beside the served line each
# standard deployment's line is its TPM window: the tokens its meter holds
# in its sliding minute (tpm_occupancy x tpm_limit at each point's end),
# the figure the limit is enforced on.  A subtitle says so on the chart.
#
# A ratesim chart template (docs/charts.md, plots/README.md).  Variables set
# before it:
#   datafile, outfile, format, title   (every chart)
#   t_label, n_spans, span_*   the time axis' title and shaded spans (style.gp)
#   n_marks, mark_*       the alert marks (style.gp)
#   point_width           what one point stands for, e.g. "10 s"
#   point_merged          1 when a point is several buckets (a long run)
#   n_dep, dep_name[i]    the deployments, in the order of timeseries.csv
#   dep_limit_name[i]     "TPM limit", or "capacity" for a provisioned one
#   tpm_limit_deps        the deployments (numbers, as a word list) that have
#   rpm_limit_deps        a TPM / RPM limit to draw (provisioned: no RPM)
#   window_deps           the deployments with a TPM window (standard ones)
#   tpm_limit_one, rpm_limit_one   the limit all deployments share, all run
#                         long (one legend entry); 0 when they differ
#   limit_one_name        "TPM limit", "capacity" or "limit" for that line
#   has_offered_tpm, has_offered_rpm   1 when the offered load is known
#   azm_*                 Azure Monitor's metric names (sim/monitor.c), in captions
#   t_min                 the axis' start: 0, or plot --window's start
#   t_max                 the last point's start
#   tpm_max, rpm_max      the largest value of each panel
#   tpm_limit_sum_max, rpm_limit_sum_max   the largest sum of the limits
# datafile, one row per point: 1 time  2 tokens/min  3 requests/min (served,
# all requests)  4 the sum of the deployments' TPM limits (and provisioned
# capacities)  5 the sum of their RPM limits  6 offered tokens/min  7 offered
# requests/min  8 tokens in all TPM windows  9 requests in all RPM windows
# (per minute), then for deployment i: column 6i+4 tokens/min, 6i+5 TPM
# limit, 6i+6 requests/min, 6i+7 RPM limit, 6i+8 tokens in its TPM window,
# 6i+9 requests in its RPM window (per minute).

# (gnuplot 5.4 drops the title of the element after an empty `for` whose
# title is a sprintf: the sums of the limits come last.)
# Limits are drawn `with lines`, not `with steps`: steps restart the dash
# pattern at every bucket, which turns a long run's dashes solid.
#
# Each deployment gets its own line when there are 1 to max_series of them
# (with more, the chart would be unreadable: timeseries.csv has them all,
# and the sums are drawn).  A standard deployment's line is its window; a
# provisioned one's, what it served (its meter is in utilisation.png).
max_series = 6
per_dep = (n_dep <= max_series) ? n_dep : 0
limits = (n_dep <= max_series)
tpm_top = limits ? tpm_max : (tpm_max > tpm_limit_sum_max ? tpm_max : tpm_limit_sum_max)
rpm_top = limits ? rpm_max : (rpm_max > rpm_limit_sum_max ? rpm_max : rpm_limit_sum_max)
tpm_sum_drawn = !limits && tpm_limit_sum_max > 0
rpm_sum_drawn = !limits && rpm_limit_sum_max > 0
tpm_one = limits && tpm_limit_one > 0
rpm_one = limits && rpm_limit_one > 0
has_window(i) = strstrt(" " . window_deps . " ", sprintf(" %d ", i)) > 0
windows_summed = !limits && strlen(window_deps) > 0
each = (n_dep > 1) ? ", each" : ""
# With 2 to max_series deployments, the top legend says what the kinds of
# line are and the bottom one names the deployments by colour: one legend
# entry per deployment and panel would not fit beside a slide-size chart.
names_below = (per_dep >= 2)
n_windows = words(window_deps)
win_key = names_below && n_windows > 0
served_key = names_below && per_dep > n_windows
tpm_limit_keys = limits && !tpm_one && !names_below
rpm_limit_keys = limits && !rpm_one && !names_below
tpm_limit_shared = limits && !tpm_one && names_below && strlen(tpm_limit_deps) > 0
rpm_limit_shared = limits && !rpm_one && names_below && strlen(rpm_limit_deps) > 0
# A deployment's line in the key (with one deployment): what the line is.
win_title(i, what) = has_window(i) ? what . " window" : "served"

# Tokens per minute in thousands from 10,000 (Azure quotes TPM in K: 240K),
# in millions from 10 million.
tpm_scale = (tpm_top >= 1e7) ? 1e6 : (tpm_top >= 1e4) ? 1e3 : 1
tpm_unit = (tpm_scale == 1e6) ? "million " : (tpm_scale == 1e3) ? "thousand " : ""
set style line 102 linecolor rgb "#9A9A9A" linewidth 2 dashtype 1
# a legend sample standing for "each deployment's line, in its colour"
set style line 103 linecolor rgb "#6A6A6A" linewidth 2.5 dashtype 1

set multiplot title title . ": throughput" font title_font
set lmargin at screen panel_left
set rmargin at screen panel_right
set xrange [t_min:(t_max > t_min ? t_max : t_min + 1)]
set key at screen legend_x, top_panel left top Left reverse samplen 2 spacing 1.0
set label 990 "served: " . azm_inference_tokens . ", per " . point_width . \
	", scaled to a minute.  " . \
	(words(window_deps) == 0 ? "" : point_merged ? \
	"window: the fullest the limiter's sliding minute got in that time." : \
	"window: what the limiter counts against its limit, in its sliding minute.") \
	at screen 0.5, 0.925 center font "sans,12" textcolor rgb "#404040"

set tmargin at screen top_panel
set bmargin at screen split + 0.03
set format x ""
set ylabel tpm_unit . "tokens/min"
set yrange [0:(tpm_top > 0 ? 1.05 * tpm_top / tpm_scale : 1)]
eval spans_on
eval span_labels_on
eval marks_on
eval mark_labels_on
plot for [s=1:has_offered_tpm] datafile using 1:($6 / tpm_scale) with lines \
	linestyle 102 title "wanted (first tries)", \
     datafile using 1:($2 / tpm_scale) with lines linestyle 100 title "served, all", \
     for [s=1:(n_marks > 0)] keyentry with lines linestyle 104 title "alert fired", \
     for [i=1:per_dep] datafile \
	using 1:(column(has_window(i) ? 6 * i + 8 : 6 * i + 4) / tpm_scale) with lines \
	linetype series(i) title (names_below ? "" : win_title(i, "TPM")), \
     for [s=1:win_key] keyentry with lines linestyle 103 title "TPM window, each", \
     for [s=1:served_key] keyentry with lines linestyle 103 \
	title "served, each", \
     for [s=1:windows_summed] datafile using 1:($8 / tpm_scale) with lines \
	linetype 1 title "TPM windows, summed", \
     for [s=1:tpm_one] datafile using 1:(tpm_limit_one / tpm_scale) with lines \
	linestyle 101 title limit_one_name . each, \
     for [k in (limits && !tpm_one ? tpm_limit_deps : "")] datafile \
	using 1:(column(6 * num(k) + 5) / tpm_scale) with lines \
	linetype series(num(k)) linewidth 1.5 dashtype (14,8) \
	title (tpm_limit_keys ? dep_limit_name[num(k)] : ""), \
     for [s=1:tpm_limit_shared] keyentry with lines linestyle 101 \
	title "limit, each (dashed)", \
     for [s=1:tpm_sum_drawn] datafile using 1:($4 / tpm_scale) with lines \
	linestyle 101 title sprintf("sum of the %d TPM limits", n_dep)
unset label 990
eval span_labels_off
eval mark_labels_off

set tmargin at screen split - 0.03
set bmargin at screen bottom_panel
set format x "%g"
set xlabel t_label
set ylabel "requests/min"
set yrange [0:(rpm_top > 0 ? 1.05 * rpm_top : 1)]
# the bottom panel's caption, in the gap between the panels
set label 991 "served: " . azm_requests . " with status 200, per " . point_width . \
	", scaled to a minute." at screen (panel_left + panel_right) / 2, split center \
	font "sans,12" textcolor rgb "#404040"
set key at screen legend_x, split - 0.03 left top Left reverse samplen 2 spacing 1.0
plot for [s=1:has_offered_rpm] datafile using 1:7 with lines \
	linestyle 102 title (names_below ? "" : "wanted (arrived)"), \
     datafile using 1:3 with lines linestyle 100 title (names_below ? "" : "served, all"), \
     for [i=1:per_dep] datafile \
	using 1:(column(has_window(i) ? 6 * i + 9 : 6 * i + 6)) with lines \
	linetype series(i) title (names_below ? dep_name[i] : win_title(i, "RPM")), \
     for [s=1:windows_summed] datafile using 1:9 with lines \
	linetype 1 title "RPM windows, summed", \
     for [s=1:rpm_one] datafile using 1:(rpm_limit_one) with lines \
	linestyle 101 title "RPM limit" . each, \
     for [k in (limits && !rpm_one ? rpm_limit_deps : "")] datafile \
	using 1:(column(6 * num(k) + 7)) with lines \
	linetype series(num(k)) linewidth 1.5 dashtype (14,8) \
	title (rpm_limit_keys ? "RPM limit" : ""), \
     for [s=1:rpm_limit_shared] keyentry with lines linestyle 101 \
	title "RPM limit, each (dashed)", \
     for [s=1:rpm_sum_drawn] datafile using 1:5 with lines \
	linestyle 101 title sprintf("sum of the %d RPM limits", n_dep)
eval spans_off
unset label 991
eval marks_off
unset multiplot
unset output
