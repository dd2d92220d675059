# throughput.gp - served tokens per minute and the 429 rate over time (scope "total").
#
# A ratesim chart template (see plots/README.md).  ratesim writes the series to
# DIR/throughput.dat and this text, preceded by the variables below, to
# DIR/throughput.gp, then runs gnuplot on it.  To restyle one run, edit
# DIR/throughput.gp and rerun `gnuplot DIR/throughput.gp`; to restyle every
# run, edit this file and rebuild ratesim (the templates are compiled in).
#
# Variables set before this text:
#   datafile  the series, whitespace separated, one row per time bucket:
#             1 time (min, bucket start)  2 served tokens per minute  3 429 rate (%)
#   outfile   the PNG to write
#   title     the chart title: scenario name and seed

# Slide size (16:9) and a font that stays readable when projected.  noenhanced:
# names such as "gpt_4o" are printed as written, not as subscripts.
set terminal pngcairo size 1280,720 font "sans,16" linewidth 1.5 noenhanced
set output outfile

# Okabe-Ito colours, safe for colour-blind readers; the two series also differ
# in dash type and width, so a greyscale print still tells them apart.
blue = "#0072B2"
vermillion = "#D55E00"

set title title font "sans,20"
set xlabel "time (min)"
set y2label "429 rate (%)"
set ytics nomirror
set y2tics
set format y "%g"
set format y2 "%g"
set grid xtics ytics linecolor "#A0A0A0" linewidth 0.75 dashtype 3
set border 11 linewidth 0.75
# The legend sits under the plot, in one row, where it hides no data.
set key bmargin center horizontal maxcols 2 reverse Left samplen 4 width 2

# Ranges start at 0.  A constant-zero series would leave an empty range (and a
# gnuplot warning), so the top is autoscaled only when there is something to
# show.  The time axis ends at the last bucket.
stats datafile using 1 name "T" nooutput
stats datafile using 2 name "TPM" nooutput
stats datafile using 3 name "R429" nooutput
set xrange [0:(T_max > 0 ? T_max : 1)]
if (TPM_max > 0) { set yrange [0:*] } else { set yrange [0:1] }
if (R429_max > 0) { set y2range [0:*] } else { set y2range [0:1] }

# Tokens per minute in thousands once they reach 10,000 (Azure quotes TPM
# limits in K: 240K), in millions once they reach 10 million.
tpm_scale = (TPM_max >= 1e7) ? 1e6 : (TPM_max >= 1e4) ? 1e3 : 1
tpm_unit = (tpm_scale == 1e6) ? " (millions)" : (tpm_scale == 1e3) ? " (thousands)" : ""
set ylabel "served tokens per minute" . tpm_unit

plot datafile using 1:($2 / tpm_scale) axes x1y1 with lines \
	linecolor rgb blue linewidth 3 dashtype 1 title "served tokens per minute (left)", \
     datafile using 1:3 axes x1y2 with lines \
	linecolor rgb vermillion linewidth 2 dashtype 2 title "429 rate (right)"

unset output
