# compare_summary.gp - the summary figures of the candidates of a comparison
# as bars, one panel per figure, one bar per candidate (in the candidates'
# colours, named under each bar).
#
# A ratesim chart template (docs/charts.md, plots/README.md).  Variables set
# before it:
#   datafile, outfile, format, title   (every chart; title names the candidates)
#   n_cand, cand_name[i]   the candidates, in the order given to compare
#   bar_name[i]            what is written under bar i: the name, or with a
#                          long name a letter (A, B, ...) for every bar
#   bar_letters            1 when the bars are lettered: the chart then lists
#                          each letter's full name under the panels
#   has_cost               1 when every candidate's summary has a cost
#   column_max[c]          the largest value of datafile's column c (2 to 8)
#   column_points[c]       how many candidates have a value in column c
# datafile, one row per candidate: 1 candidate number  2 429 rate (% of
# attempts)  3 final failures (% of offered)  4 latency p95 (s)  5 latency
# p99 (s)  6 tokens per minute  7 cost (USD)  8 requests served per minute
# ("NaN": no value, no bar).

# The panels: column, heading, number format of the value printed on a bar.
array panel_col[6] = [2, 3, 4, 5, 6, 7]
array panel_name[6] = ["429 rate (% of attempts)", "final failures (% of offered)", \
	"latency p95 (s)", "latency p99 (s)", "tokens per minute", "cost (USD)"]
array panel_fmt[6] = ["%.2f", "%.2f", "%.2f", "%.2f", "%.0f", "%.2f"]
if (!has_cost) {
	panel_col[6] = 8
	panel_name[6] = "requests served per minute"
	panel_fmt[6] = "%.1f"
}
# The value over a bar: tens of thousands as "106k", and a smaller font when
# many bars share a panel, so that neighbouring values do not run together.
value_label(v, p) = (column_max[panel_col[p]] >= 10000) ? sprintf("%.0fk", v / 1000) : \
	sprintf(panel_fmt[p], v)
value_font = (n_cand > 4) ? "sans,11" : "sans,13"
# Candidates' colours, as in the other comparison charts (style.gp).
array cand_color[6] = [0x0072B2, 0xD55E00, 0x009E73, 0xCC79A7, 0xE69F00, 0x56B4E9]
color_of(i) = cand_color[(int(i) - 1) % 6 + 1]
label_of(i) = bar_name[int(i)]

# Each bar is named under it, at a slant ending under the bar, so that long
# names fit without running off the right edge.
# With lettered bars, a line per candidate under the panels says who is who.
# Up to 3 candidates one name a line, more in two columns.
name_rows = (n_cand > 3) ? int((n_cand + 1) / 2) : n_cand
names_h = bar_letters ? 0.035 * name_rows : 0
name_x(i) = (i <= name_rows) ? 0.07 : 0.52
name_y(i) = names_h - 0.035 * ((i - 1) % name_rows) - 0.01
# (set on the last panel only: a label is drawn with every panel after it)
names_on = "do for [i=1:n_cand] { set label 800 + i bar_name[i] . ': ' . cand_name[i] at screen name_x(i), name_y(i) left font 'sans,13' }"
set multiplot layout 2, 3 title title . ": summary after warm-up" font title_font \
	margins 0.07, 0.98, (bar_letters ? 0.08 : 0.15) + names_h, 0.87 \
	spacing 0.08, (bar_letters ? 0.17 : 0.24)
unset key
set xrange [0.4:n_cand + 0.6]
if (bar_letters) {
	set xtics scale 0 norotate center font "sans,13"
} else {
	set xtics scale 0 rotate by 25 right font "sans,13"
}
set ytics font "sans,13"
set grid noxtics ytics
set boxwidth 0.7
set format y "%g"
# Room above the tallest bar for its value; a panel whose values are all zero
# still gets a range, and one without values says so.
do for [p=1:6] {
	col = panel_col[p]
	if (bar_letters && p == 6) { eval names_on }
	set title panel_name[p] font "sans,16"
	set yrange [0:(column_max[col] > 0 ? 1.25 * column_max[col] : 1)]
	# large numbers with an SI prefix: 140k
	if (column_max[col] >= 10000) { set format y "%.0s%c" } else { set format y "%g" }
	if (column_points[col] > 0) {
		plot datafile using 1:(column(col)):(color_of($1)):xticlabels(label_of($1)) \
			with boxes linecolor rgb variable, \
		     datafile using 1:(column(col)):(value_label(column(col), p)) \
			with labels offset 0, 0.7 font value_font
	} else {
		set label 1 "no value" at graph 0.5, 0.5 center
		plot 2 notitle
		unset label 1
	}
}
unset multiplot
unset output
