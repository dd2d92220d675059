# utilisation.gp - the provisioned (PTU) deployments' utilisation meter over
# time with the 100% line (top), and the per-minute Utilization V2 metric
# (bottom).  The top panel shows each bucket's peak: the meter refuses at
# the moment it is above 100%, which an average would hide.  Drawn only for runs with a provisioned deployment.
#
# A ratesim chart template (docs/charts.md, plots/README.md).  Variables set
# before it:
#   datafile, outfile, format, title   (every chart)
#   n_ptu, ptu_name[k]    the provisioned deployments
#   util_ptus, v2_ptus    those (numbers, as a word list) with values to draw
#   azm_*                 Azure Monitor's metric names (sim/monitor.c), in captions
#   t_min                 the axis' start: 0, or plot --window's start
#   t_max                 the end of the time axis (in the time axis' unit)
#   t_label, n_spans, span_*   the time axis' title and shaded spans (style.gp)
#   util_max, v2_max      the largest value of each panel (%)
# datafile, index 0, one row per bucket: 1 time, then for deployment k:
# column 2k the peak utilisation in the bucket (%), 2k+1 the utilisation at
# its end (%).  Index k (k >= 1): deployment k's minutes: 1 the minute's
# start  2 Utilization V2 (%), the last row closing the last minute.
#
# The meter (MODEL.md section 5) refuses with 429 while utilisation is above
# 100%; it can overshoot 100% by one request's estimate.  Utilization V2 is
# the service's metric: per minute, what was consumed over what is deployed.

top_of(m) = (m > 0) ? ((m > 100) ? 1.08 * m : 110) : 110

set multiplot title title . ": PTU utilisation" font title_font
set lmargin at screen panel_left
set rmargin at screen panel_right
set xrange [t_min:(t_max > t_min ? t_max : t_min + 1)]

set label 990 "top: the meter's highest utilisation in each bucket.  bottom: " . \
	azm_utilization_v2 . ", per minute." \
	at screen 0.5, 0.925 center font "sans,12" textcolor rgb "#404040"

set tmargin at screen top_panel
set bmargin at screen split + 0.03
set format x ""
set ylabel "peak utilisation (%)"
set yrange [0:top_of(util_max)]
set key at screen legend_x, top_panel left top Left reverse samplen 2 spacing 1.1
eval spans_on
eval span_labels_on
plot 100 with lines linestyle 101 title "100%: 429 above", \
     for [k in util_ptus] datafile index 0 using 1:(column(2 * num(k))) with lines \
	linetype series(num(k)) title ptu_name[num(k)]
unset label 990

set tmargin at screen split - 0.03
set bmargin at screen bottom_panel
set format x "%g"
set xlabel t_label
eval span_labels_off
set ylabel "Utilization V2 (%)"
set yrange [0:top_of(v2_max)]
set key at screen legend_x, split - 0.03 left top Left reverse samplen 2 spacing 1.1
plot 100 with lines linestyle 101 title "100%", \
     for [k in v2_ptus] datafile index num(k) using 1:2 with steps \
	linetype series(num(k)) title ptu_name[num(k)]
eval spans_off
unset multiplot
unset output
