# bands.gp - one or two series of a replicated run over time: the mean of
# the replications as a line, and the 95% interval of that mean as a
# shaded band, so that what is noise and what is signal reads at a glance.
#
# A ratesim chart template (docs/charts.md, plots/README.md).  Variables set
# before it:
#   datafile, outfile, format, title   (every chart)
#   n_series, series_name[i]   the series (1 or 2)
#   n_rep                      the replications behind each mean
#   what                       what the series measure (title)
#   ylabel                     the y axis
#   t_max                      the last bucket's start (min)
#   y_max                      the largest upper end of a band
# datafile, one row per bucket: 1 time (min), then for series i the
# columns 2 + 3(i - 1): mean, lower end, upper end of the 95% interval.

set title title . ": " . what font title_font
set lmargin at screen panel_left
set rmargin at screen panel_right
set xrange [0:(t_max > 0 ? t_max : 1)]
set yrange [0:(y_max > 0 ? 1.05 * y_max : 1)]
set xlabel "time (min)"
set ylabel ylabel
set key at screen legend_x, top_panel left top Left reverse samplen 2 spacing 1.2
set style fill transparent solid 0.25 noborder
band_title(i) = sprintf("%s, 95%% CI of the mean", series_name[i])
mean_title(i) = sprintf("%s, mean of %d runs", series_name[i], n_rep)
plot for [i=1:n_series] datafile using 1:(column(3 + 3 * (i - 1))):(column(4 + 3 * (i - 1))) \
	with filledcurves linetype series(i) title band_title(i), \
     for [i=1:n_series] datafile using 1:(column(2 + 3 * (i - 1))) with lines \
	linetype series(i) title mean_title(i)
unset output
