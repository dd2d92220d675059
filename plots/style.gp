# style.gp - the look every ratesim chart shares: size, fonts, colours, lines.
#
# ratesim writes each DIR/NAME.gp as: its variables, then this text, then the
# chart's own template plots/NAME.gp.  To restyle one chart, edit its copy in
# DIR/NAME.gp and rerun gnuplot on it; to restyle every chart of every run,
# edit this file and rebuild ratesim (the templates are compiled in).
# docs/charts.md says what each chart shows.

# Slide size (16:9) and a font that stays readable when projected.
# noenhanced: names such as "gpt_4o" print as written, not as subscripts.
if (format eq "svg") {
	set terminal svg size 1280,720 dynamic font "sans,16" linewidth 1.5 noenhanced \
		background "#ffffff"
} else {
	set terminal pngcairo size 1280,720 font "sans,16" linewidth 1.5 noenhanced
}
set output outfile

# Okabe-Ito colours (M. Okabe and K. Ito, "Color Universal Design", 2008):
# told apart with every common colour-vision deficiency.  Each linetype also
# has its own dash pattern, so that a greyscale print tells the series apart.
# Series i of a chart (a deployment, a percentile, a candidate) is drawn with
# linetype series(i); what stands for "all requests" is black (style 100).
set linetype 1 linecolor rgb "#0072B2" linewidth 2.5 dashtype 1
set linetype 2 linecolor rgb "#D55E00" linewidth 2.5 dashtype 2
set linetype 3 linecolor rgb "#009E73" linewidth 2.5 dashtype 4
set linetype 4 linecolor rgb "#CC79A7" linewidth 2.5 dashtype 5
set linetype 5 linecolor rgb "#E69F00" linewidth 2.5 dashtype 3
set linetype 6 linecolor rgb "#56B4E9" linewidth 2.5 dashtype (18,6,4,6,4,6)
n_styles = 6
series(i) = (i - 1) % n_styles + 1
# A word of a list such as "1 3" as a number.  gnuplot reads a plot's titles
# even when `for [k in list]` has nothing to iterate; k is then "".
num(k) = (strlen(k) > 0) ? int(k) : 1
set style line 100 linecolor rgb "#000000" linewidth 3 dashtype 1
# Limits and references (a TPM limit, 100% utilisation): thin long dashes.
set style line 101 linecolor rgb "#404040" linewidth 1.5 dashtype (14,8)

set grid xtics ytics linecolor rgb "#B8B8B8" linewidth 0.75 dashtype 3
set border 3 linewidth 0.75
set tics nomirror out
set format x "%g"
set format y "%g"
set style fill solid 0.85 border rgb "#000000"

# Charts of two panels share their time axis: fixed margins line the panels
# up, and each panel's legend sits in the right margin, where it hides no
# data.  Values are in screen coordinates (0 to 1).
panel_left = 0.105
panel_right = 0.70
legend_x = 0.715
top_panel = 0.88
split = 0.51
bottom_panel = 0.13
title_font = "sans,20"
# One column of legend entries, however many: gnuplot would otherwise start a
# second column, past the right edge, once a panel's entries pass its height.
set key maxrows 20

# Shaded spans of the time charts (labelled just above the plot, where no
# data is), set by ratesim for each run: n_spans, and
# for span i span_from[i] and span_to[i] (on the time axis, in its unit),
# span_kind[i] (1 warm-up, 2 outage, 3 degraded limit, 4 latency spike) and
# span_text[i], its label.  A template runs `eval spans_on` before each time
# panel and `eval span_labels_on` before the first one only; `eval spans_off`
# clears both.  Pale fills behind the data, so that no line is hidden.
array span_color[4] = ["#E4E4E4", "#F7C9C0", "#FBE2AE", "#E2D4F0"]
spans_on = "do for [s_=1:n_spans] { set object 900 + s_ rect from span_from[s_], graph 0 to span_to[s_], graph 1 behind fillcolor rgb span_color[span_kind[s_]] fillstyle solid 1.0 noborder }"
# A span narrower than a 30th of the axis (a 10-minute warm-up in a 10-day
# run) is shaded but not labelled: its label would sit on the data.
span_labels_on = "do for [s_=1:n_spans] { if (span_to[s_] - span_from[s_] > t_max / 30.0) { set label 900 + s_ span_text[s_] at span_from[s_], graph 1 left offset 0, 0.6 font 'sans,12' textcolor rgb '#404040' front } }"
spans_off = "do for [s_=1:n_spans] { unset object 900 + s_; unset label 900 + s_ }"
# A span's label alone in the plot would be drawn on every panel: labels go
# on the first panel, and are cleared before the next.
span_labels_off = "do for [s_=1:n_spans] { unset label 900 + s_ }"

# Alert marks of the time charts (issue 9), set by ratesim for each run:
# n_marks, and for mark i mark_at[i] (on the time axis) and mark_text[i]
# ("tokens 80%"): a thin vertical line where an alert fired, labelled
# along it from the top on a white box (the few data points under a label
# are hidden, the label stays readable).  A template runs `eval marks_on` before each time panel and
# `eval mark_labels_on` before the first one only; `eval marks_off` clears
# both.
set style line 104 linecolor rgb "#7B3294" linewidth 1.5 dashtype (6,4)
set style textbox 3 opaque fillcolor rgb "#FFFFFF" noborder margins 1, 1
marks_on = "do for [m_=1:n_marks] { set arrow 800 + m_ from mark_at[m_], graph 0 to mark_at[m_], graph 1 nohead linestyle 104 front }"
mark_labels_on = "do for [m_=1:n_marks] { set label 800 + m_ mark_text[m_] at mark_at[m_], graph 0.98 right rotate by 90 offset -0.8, 0 boxed bs 3 font 'sans,11' textcolor rgb '#7B3294' front }"
mark_labels_off = "do for [m_=1:n_marks] { unset label 800 + m_ }"
marks_off = "do for [m_=1:n_marks] { unset arrow 800 + m_; unset label 800 + m_ }"
