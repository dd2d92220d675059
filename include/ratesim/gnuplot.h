/*
 * gnuplot.h - writing gnuplot scripts and running gnuplot on them.
 *
 * Every chart ratesim draws is a folder's DIR/NAME.dat (its series, written
 * by the chart's own module) and DIR/NAME.gp: a head of variable settings
 * (rs_gnuplot_put_head, then whatever the chart's module knows about its
 * data), then the templates plots/style.gp and plots/<template>.gp compiled
 * into the binary (rs_gnuplot_put_body).  rs_gnuplot_draw then runs gnuplot
 * on a set of such scripts, without a shell, once per image format.  The
 * scripts name no folder: they find their data beside themselves through
 * ARG0, so `gnuplot DIR/NAME.gp` works from anywhere and the same inputs
 * give the same bytes.
 *
 * This module knows nothing of runs, comparisons or what a chart shows.
 *
 * Cost: two gnuplot processes per chart (about 0.1 s of start-up each plus
 * the drawing), at most a few at a time.
 */
#ifndef RATESIM_GNUPLOT_H
#define RATESIM_GNUPLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ratesim/common.h"

typedef struct rs_chart_opts {
	const char *title;   /* e.g. "quickstart (seed 42)": scenario name and seed;
	                        NULL means "ratesim".  Control characters print as spaces. */
	const char *gnuplot; /* program to run; NULL means "gnuplot" found on PATH */
	bool required;       /* the user asked for charts explicitly: a missing
	                        gnuplot is an error */
	/* Called with a line of progress while charts are drawn (e.g.
	 * "charts: 3 of 7 drawn in results/x/"), for a person watching a long
	 * run; NULL for none.  ctx is progress_ctx. */
	void (*progress)(void *ctx, const char *line);
	void *progress_ctx;
	/* plot --window (issue 11): draw the time charts over [from_s, to_s)
	 * only (to_s <= from_s, as zeroed: the whole run).  window: the name of
	 * the run's window of that span, whose figures the outcomes chart then
	 * shows; NULL: none, and the charts of the whole run's figures
	 * (outcomes, latency_cdf) are not drawn. */
	double from_s, to_s;
	const char *window;
} rs_chart_opts;

/* The compiled-in template plots/NAME (e.g. "style.gp", "rate_429.gp"), or
 * NULL when there is none.  The text is static. */
const char *rs_gnuplot_template(const char *name);

/* s as a gnuplot single-quoted string literal: '' for a quote, control
 * characters (which would end the command) as spaces. */
void rs_gnuplot_put_string(FILE *f, const char *s);

/* The variable head every DIR/CHART.gp starts with: a comment saying how to
 * rerun it, scriptdir (the script's folder, from ARG0), datafile
 * (CHART.dat beside the script), outfile (ARG1, else CHART.png beside it),
 * format (ARG2, else from outfile's extension) and title (title, which
 * must not be NULL).  Nothing in it depends on the folder. */
void rs_gnuplot_put_head(FILE *f, const char *chart, const char *title);

/* A blank line, the template style.gp, a blank line, then the template
 * tmpl (e.g. "rate_429.gp"): what follows a head and the chart's facts.
 * Errors: RS_ERR_INVALID when either template is not compiled in (nothing
 * is written then). */
rs_status rs_gnuplot_put_body(FILE *f, const char *tmpl, rs_error *err);

/* Draw each already-written DIR/NAME.gp of names[0..n) (n >= 0, borrowed)
 * as DIR/NAME.png and DIR/NAME.svg: `gnuplot -c NAME.gp NAME.FMT.tmp FMT`
 * with stdin and stdout on /dev/null and stderr captured, a few processes
 * at a time, opts->progress told as each chart is done.  A process must exit
 * 0 and leave a complete image (non-empty, a PNG's signature and IEND
 * chunk, an SVG's opening tag and closing </svg>); the images are renamed
 * into place only when every one is, and on any failure none is left.
 * Whatever gnuplot writes to stderr with exit status 0 is a warning: the
 * images stand, and the first such line is returned in *warning.
 *
 * opts:    borrowed; NULL means all defaults.
 * warning: OUT: set to "" or to a message beginning "warning: ": gnuplot's
 *          first warning ("warning: DIR/NAME.gp: gnuplot: ... line 12:
 *          warning: ..."), or, when gnuplot is missing and not required,
 *          that charts were not drawn (truncated to wlen); may be NULL.
 * Errors:  RS_ERR_TOOL (gnuplot missing and opts->required: "gnuplot not
 *          found: install the gnuplot-nox package (apt-get install
 *          gnuplot-nox)"; cannot be run; killed; exits non-zero, quoting
 *          its first error line; an image missing, empty or incomplete),
 *          RS_ERR_IO (a temporary file or a rename), RS_ERR_NOMEM. */
rs_status rs_gnuplot_draw(const char *dir, const char *const *names, size_t n,
                          const rs_chart_opts *opts, char *warning, size_t wlen, rs_error *err);

#endif
