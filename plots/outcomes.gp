# outcomes.gp - how the requests offered after warm-up ended: at the first
# try, after one or more 429s, through a spillover deployment, failed (the
# client gave up), or still in flight when the run stopped.
#
# A ratesim chart template (docs/charts.md, plots/README.md).  Variables set
# before it:
#   datafile, outfile, format, title   (every chart)
#   offered        requests offered after warm-up (or in the window drawn)
#   offered_when   "after warm-up", or "in the window" (plot --window NAME)
#   outcome_max    the tallest bar
# datafile, one row per outcome: 1 position  2 "outcome"  3 requests
# 4 share of offered (%)

set title title . ": how requests ended\n" . \
	sprintf("(%d requests offered %s)", offered, offered_when) font title_font
set lmargin at screen panel_left
set rmargin at screen 0.95
set ylabel "requests"
set yrange [0:(outcome_max > 0 ? 1.15 * outcome_max : 1)]
set xrange [0.4:5.6]
set xtics scale 0
set grid noxtics
set boxwidth 0.6
unset key
# Colour follows meaning (blue fine, orange delayed, green rerouted, red
# lost, grey unknown); the labels under the bars say it in words.
array bar_color[5] = [0x0072B2, 0xE69F00, 0x009E73, 0xD55E00, 0x999999]
plot datafile using 1:3:(bar_color[int($1)]):xticlabels(2) with boxes \
	linecolor rgb variable, \
     datafile using 1:3:(sprintf("%d (%.1f%%)", int($3), $4)) with labels \
	offset 0, 0.8 notitle
unset output
