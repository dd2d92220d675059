# throughput.gp - served tokens per minute (top) and successful requests per
# minute (bottom) over time: all requests, each deployment, and each
# deployment's limit.
#
# A ratesim chart template (docs/charts.md, plots/README.md).  Variables set
# before it:
#   datafile, outfile, format, title   (every chart)
#   n_dep, dep_name[i]    the deployments, in the order of timeseries.csv
#   dep_limit_name[i]     "TPM limit", or "capacity" for a provisioned one
#   tpm_limit_deps        the deployments (numbers, as a word list) that have
#   rpm_limit_deps        a TPM / RPM limit to draw (provisioned: no RPM)
#   t_max                 the last bucket's start (min)
#   tpm_max, rpm_max      the largest served value and deployment limit of
#                         each panel
#   tpm_limit_sum_max, rpm_limit_sum_max   the largest sum of the limits
# datafile, one row per bucket: 1 time (min)  2 tokens/min  3 requests/min
# (all requests)  4 the sum of the deployments' TPM limits (and provisioned
# capacities)  5 the sum of their RPM limits, then for deployment i: column
# 4i+2 tokens/min, 4i+3 TPM limit, 4i+4 requests/min, 4i+5 RPM limit.

# Limits are drawn `with lines`, not `with steps`: steps restart the dash
# pattern at every bucket, which turns a long run's dashes solid.
#
# Each deployment gets its own line when there are 2 to max_series of them
# (with one, it is the total; with more, the chart would be unreadable:
# timeseries.csv has them all).  Limits are drawn for up to max_series
# deployments; with more, their sum is drawn instead.
max_series = 6
per_dep = (n_dep >= 2 && n_dep <= max_series) ? n_dep : 0
limits = (n_dep <= max_series)
tpm_top = limits ? tpm_max : (tpm_max > tpm_limit_sum_max ? tpm_max : tpm_limit_sum_max)
rpm_top = limits ? rpm_max : (rpm_max > rpm_limit_sum_max ? rpm_max : rpm_limit_sum_max)
tpm_sum_drawn = !limits && tpm_limit_sum_max > 0
rpm_sum_drawn = !limits && rpm_limit_sum_max > 0

# Tokens per minute in thousands from 10,000 (Azure quotes TPM in K: 240K),
# in millions from 10 million.
tpm_scale = (tpm_top >= 1e7) ? 1e6 : (tpm_top >= 1e4) ? 1e3 : 1
tpm_unit = (tpm_scale == 1e6) ? "million " : (tpm_scale == 1e3) ? "thousand " : ""

set multiplot title title . ": throughput" font title_font
set lmargin at screen panel_left
set rmargin at screen panel_right
set xrange [0:(t_max > 0 ? t_max : 1)]
set key at screen legend_x, top_panel left top Left reverse samplen 2 spacing 1.1

set tmargin at screen top_panel
set bmargin at screen split + 0.03
set format x ""
set ylabel tpm_unit . "tokens/min"
set yrange [0:(tpm_top > 0 ? 1.05 * tpm_top / tpm_scale : 1)]
plot datafile using 1:($2 / tpm_scale) with lines linestyle 100 title "served, all", \
     for [i=1:per_dep] datafile using 1:(column(4 * i + 2) / tpm_scale) with lines \
	linetype series(i) title dep_name[i], \
     for [s=1:tpm_sum_drawn] datafile using 1:($4 / tpm_scale) with lines \
	linestyle 101 title sprintf("sum of the %d TPM limits", n_dep), \
     for [k in (limits ? tpm_limit_deps : "")] datafile \
	using 1:(column(4 * num(k) + 3) / tpm_scale) with lines \
	linetype series(num(k)) linewidth 1.5 dashtype (14,8) \
	title dep_name[num(k)] . " " . dep_limit_name[num(k)]

set tmargin at screen split - 0.03
set bmargin at screen bottom_panel
set format x "%g"
set xlabel "time (min)"
set ylabel "requests/min"
set yrange [0:(rpm_top > 0 ? 1.05 * rpm_top : 1)]
set key at screen legend_x, split - 0.03 left top Left reverse samplen 2 spacing 1.1
plot datafile using 1:3 with lines linestyle 100 title "served, all", \
     for [i=1:per_dep] datafile using 1:(column(4 * i + 4)) with lines \
	linetype series(i) title dep_name[i], \
     for [s=1:rpm_sum_drawn] datafile using 1:5 with lines \
	linestyle 101 title sprintf("sum of the %d RPM limits", n_dep), \
     for [k in (limits ? rpm_limit_deps : "")] datafile \
	using 1:(column(4 * num(k) + 5)) with lines \
	linetype series(num(k)) linewidth 1.5 dashtype (14,8) \
	title dep_name[num(k)] . " RPM limit"
unset multiplot
unset output
