/*
 * chart.c - extract series from the time series CSV and run gnuplot on them.
 *
 * For a chart NAME: read DIR/timeseries.csv once, streaming (memory does not
 * grow with its length), and write the chart's series to DIR/NAME.dat; write
 * DIR/NAME.gp = a few variable settings + the template NAME.gp compiled in
 * from plots/ (scripts/embed.sh); then run
 *     gnuplot -c DIR/NAME.gp DIR/NAME.png.tmp
 * with posix_spawnp (no shell), stdin and stdout on /dev/null and stderr in
 * a temporary file in DIR.  The PNG is renamed into place only when gnuplot
 * exits 0 and wrote nothing to stderr, so a PNG on disk was drawn cleanly.
 *
 * The .gp names no folder: it finds its data beside itself through ARG0 (the
 * script's path in gnuplot 5), so `gnuplot DIR/NAME.gp` works from anywhere
 * and two runs of the same CSV write byte-identical .dat and .gp files.
 * Numbers are printed with "%.10g", which depends on nothing but the value.
 *
 * The CSV is RFC 4180: fields separated by commas, optionally in double
 * quotes ("" for a quote; a quoted field may span lines), CRLF or LF.
 * Columns are found by name in the header, so later columns may be added.
 */
#include "ratesim/chart.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plots_gen.h"

extern char **environ; /* passed to gnuplot unchanged (fonts, locale) */

#define CHART_CSV             "timeseries.csv"
#define CHART_SCOPE_TOTAL     "total"
#define CHART_DEFAULT_GNUPLOT "gnuplot"
#define CHART_DEFAULT_TITLE   "ratesim"
/* The name gnuplot draws into before a clean exit renames it. */
#define CHART_TMP_SUFFIX ".tmp"
/* Template for the file that receives gnuplot's stderr (mkstemp). */
#define CHART_STDERR_NAME ".gnuplot-stderr.XXXXXX"
/* How much of gnuplot's stderr is read to quote in a message: the first
 * lines are what matter, and any byte at all already means failure. */
#define CHART_STDERR_MAX 4096
/* Longest stderr line quoted in a message. */
#define CHART_QUOTE_MAX       300
#define CHART_NOT_FOUND       "not found: install the gnuplot-nox package (apt-get install gnuplot-nox)"
#define CHART_SECONDS_PER_MIN 60.0
#define CHART_PERCENT         100.0

/* ---- paths ---------------------------------------------------------------------------- */

/* "dir/name" (one slash), or NULL when memory runs out.  Caller frees. */
static char *path_in(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	bool slash = dl > 0 && dir[dl - 1] != '/';
	char *p = rs_calloc(dl + slash + nl + 1, 1);
	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	if (slash)
		p[dl] = '/';
	memcpy(p + dl + slash, name, nl + 1);
	return p;
}

/* ---- the CSV reader ------------------------------------------------------------------- */

typedef struct csv_reader {
	FILE *f;          /* borrowed */
	const char *path; /* for messages; borrowed */
	char *line;       /* getline buffer, owned */
	size_t line_cap;
	char *rec; /* the current record, fields split in place; owned */
	size_t rec_len, rec_cap;
	char **fields; /* pointers into rec; owned array */
	size_t nfields, fields_cap;
	long lineno;    /* the line the current record starts on (1-based) */
	long next_line; /* the next line getline will read */
} csv_reader;

static void csv_fini(csv_reader *r)
{
	free(r->line);
	free(r->rec);
	free(r->fields);
}

static bool csv_append(csv_reader *r, const char *s, size_t n)
{
	if (r->rec_len + n + 1 > r->rec_cap) {
		size_t cap = r->rec_cap ? r->rec_cap : 256;
		while (cap < r->rec_len + n + 1)
			cap *= 2;
		char *p = rs_realloc_array(r->rec, cap, 1);
		if (!p)
			return false;
		r->rec = p;
		r->rec_cap = cap;
	}
	memcpy(r->rec + r->rec_len, s, n);
	r->rec_len += n;
	r->rec[r->rec_len] = '\0';
	return true;
}

static bool csv_push_field(csv_reader *r, char *field)
{
	if (r->nfields == r->fields_cap) {
		size_t cap = r->fields_cap ? 2 * r->fields_cap : 32;
		char **p = rs_realloc_array(r->fields, cap, sizeof *p);
		if (!p)
			return false;
		r->fields = p;
		r->fields_cap = cap;
	}
	r->fields[r->nfields++] = field;
	return true;
}

/* Split r->rec into fields in place, removing quotes. */
static rs_status csv_split(csv_reader *r, rs_error *err)
{
	char *in = r->rec, *out = r->rec;
	r->nfields = 0;
	for (;;) {
		char *start = out;
		if (*in == '"') {
			in++;
			for (;;) {
				if (*in == '\0')
					return rs_fail(err, RS_ERR_SYNTAX,
					               "%s:%ld: a quoted field is not closed",
					               r->path, r->lineno);
				if (*in == '"' && in[1] == '"') {
					*out++ = '"';
					in += 2;
				} else if (*in == '"') {
					in++;
					break;
				} else {
					*out++ = *in++;
				}
			}
			if (*in != ',' && *in != '\0')
				return rs_fail(err, RS_ERR_SYNTAX,
				               "%s:%ld: unexpected text after a closing quote",
				               r->path, r->lineno);
		} else {
			while (*in != ',' && *in != '\0')
				*out++ = *in++;
		}
		bool more = *in == ',';
		in++;
		*out++ = '\0';
		if (!csv_push_field(r, start))
			return rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", r->path);
		if (!more)
			return RS_OK;
	}
}

/* Read the next record.  OUT: *eof set when there is none.  A record whose
 * quotes are unbalanced at the end of a line continues on the next line.
 * The trailing LF or CRLF is removed. */
static rs_status csv_next(csv_reader *r, bool *eof, rs_error *err)
{
	size_t quotes = 0;
	r->rec_len = 0;
	r->lineno = r->next_line;
	*eof = false;
	for (;;) {
		errno = 0;
		ssize_t n = getline(&r->line, &r->line_cap, r->f);
		if (n < 0) {
			if (ferror(r->f) || errno == ENOMEM)
				return rs_fail(err, errno == ENOMEM ? RS_ERR_NOMEM : RS_ERR_IO,
				               "%s:%ld: cannot read: %s", r->path, r->next_line,
				               strerror(errno));
			if (r->rec_len == 0) {
				*eof = true;
				return RS_OK;
			}
			break; /* an unterminated quote at EOF: csv_split reports it */
		}
		r->next_line++;
		for (ssize_t i = 0; i < n; i++)
			quotes += r->line[i] == '"';
		if (!csv_append(r, r->line, (size_t)n))
			return rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", r->path);
		if (quotes % 2 == 0)
			break;
	}
	if (r->rec_len > 0 && r->rec[r->rec_len - 1] == '\n')
		r->rec[--r->rec_len] = '\0';
	if (r->rec_len > 0 && r->rec[r->rec_len - 1] == '\r')
		r->rec[--r->rec_len] = '\0';
	return csv_split(r, err);
}

/* Index of the header column `name`, or -1. */
static long csv_column(const csv_reader *r, const char *name)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i], name) == 0)
			return (long)i;
	return -1;
}

/* Parse field `col` (named `name`) of the current record as a finite number. */
static rs_status csv_number(const csv_reader *r, long col, const char *name, double *out,
                            rs_error *err)
{
	const char *s = r->fields[col];
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || !isfinite(v) || errno == ERANGE)
		return rs_fail(err, RS_ERR_SYNTAX,
		               "%s:%ld: column %s: expected a finite number (got \"%.40s\")",
		               r->path, r->lineno, name, s);
	*out = v;
	return RS_OK;
}

/* ---- throughput series ---------------------------------------------------------------- */

enum { COL_T, COL_SCOPE, COL_TPM, COL_R429, COL_COUNT };
static const char *const throughput_cols[COL_COUNT] = {"t_s", "scope", "tokens_per_min",
                                                       "rate_429"};

/* Copy the "total" rows of the CSV at csv_path to the .dat file `out`:
 * time (min), served tokens per minute, 429 rate (%). */
static rs_status throughput_extract(const char *csv_path, FILE *out, rs_error *err)
{
	FILE *in = fopen(csv_path, "r");
	if (!in)
		return rs_fail(err, RS_ERR_IO, "%s: cannot open: %s", csv_path, strerror(errno));
	csv_reader r = {.f = in, .path = csv_path, .next_line = 1};
	long col[COL_COUNT];
	size_t width;
	long rows = 0;
	double prev_t = 0;
	bool eof;
	rs_status st = csv_next(&r, &eof, err);
	if (st != RS_OK)
		goto out;
	if (eof) {
		st =
		    rs_fail(err, RS_ERR_SYNTAX, "%s: empty file: expected a header line", csv_path);
		goto out;
	}
	for (int c = 0; c < COL_COUNT; c++) {
		col[c] = csv_column(&r, throughput_cols[c]);
		if (col[c] < 0) {
			st = rs_fail(err, RS_ERR_SYNTAX,
			             "%s:1: missing column \"%s\" (the throughput chart reads "
			             "t_s, scope, tokens_per_min and rate_429)",
			             csv_path, throughput_cols[c]);
			goto out;
		}
	}
	width = r.nfields;
	fprintf(out,
	        "# throughput.dat: written by ratesim from %s, rows of scope \"%s\";\n"
	        "# drawn by throughput.gp.  One row per time bucket.\n"
	        "# time_min tokens_per_min rate_429_pct\n",
	        CHART_CSV, CHART_SCOPE_TOTAL);
	for (;;) {
		st = csv_next(&r, &eof, err);
		if (st != RS_OK || eof)
			break;
		if (r.nfields == 1 && r.fields[0][0] == '\0')
			continue; /* a blank line */
		if (r.nfields != width) {
			st = rs_fail(err, RS_ERR_SYNTAX,
			             "%s:%ld: %zu fields, but the header has %zu", csv_path,
			             r.lineno, r.nfields, width);
			break;
		}
		if (strcmp(r.fields[col[COL_SCOPE]], CHART_SCOPE_TOTAL) != 0)
			continue;
		double v[COL_COUNT];
		for (int c = 0; c < COL_COUNT && st == RS_OK; c++)
			if (c != COL_SCOPE)
				st = csv_number(&r, col[c], throughput_cols[c], &v[c], err);
		if (st != RS_OK)
			break;
		if (rows > 0 && !(v[COL_T] > prev_t)) {
			st = rs_fail(err, RS_ERR_SYNTAX,
			             "%s:%ld: t_s %.10g of a \"%s\" row is not after the previous "
			             "one (%.10g): rows must come bucket after bucket",
			             csv_path, r.lineno, v[COL_T], CHART_SCOPE_TOTAL, prev_t);
			break;
		}
		prev_t = v[COL_T];
		rows++;
		fprintf(out, "%.10g %.10g %.10g\n", v[COL_T] / CHART_SECONDS_PER_MIN, v[COL_TPM],
		        v[COL_R429] * CHART_PERCENT);
	}
	if (st == RS_OK && rows == 0)
		st = rs_fail(err, RS_ERR_SYNTAX, "%s: no row with scope \"%s\": nothing to chart",
		             csv_path, CHART_SCOPE_TOTAL);
out:
	csv_fini(&r);
	fclose(in);
	return st;
}

/* ---- the script ----------------------------------------------------------------------- */

static const char *find_template(const char *name)
{
	for (size_t i = 0; i < rs_embedded_plots_count; i++)
		if (strcmp(rs_embedded_plots[i].name, name) == 0)
			return rs_embedded_plots[i].text;
	return NULL;
}

/* s as a gnuplot single-quoted string: '' for a quote, control characters
 * (which would end the command) as spaces. */
static void put_gnuplot_string(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\'')
			fputs("''", f);
		else
			fputc(c < 0x20 || c == 0x7f ? ' ' : c, f);
	}
	fputc('\'', f);
}

/* The variable settings that precede template `tmpl_name`.  Nothing here
 * depends on the folder, so the script is the same for the same inputs. */
static void put_script_head(FILE *f, const char *chart, const char *tmpl_name, const char *title)
{
	fprintf(f,
	        "# %s.gp - written by ratesim: the variables below, then the template\n"
	        "# plots/%s compiled into ratesim.  Edit freely and rerun with\n"
	        "#     gnuplot path/to/%s.gp\n"
	        "# from any folder: paths are relative to this script's folder, found\n"
	        "# from ARG0 (the script's path).  `gnuplot -c %s.gp OUT.png` draws\n"
	        "# into OUT.png instead; ratesim does that with a temporary name.\n"
	        "scriptdir = \"\"\n"
	        "rest = ARG0\n"
	        "while (strstrt(rest, \"/\") > 0) {\n"
	        "\tscriptdir = scriptdir . rest[1:strstrt(rest, \"/\")]\n"
	        "\trest = rest[strstrt(rest, \"/\") + 1:]\n"
	        "}\n"
	        "datafile = scriptdir . \"%s.dat\"\n"
	        "outfile = (ARGC >= 1) ? ARG1 : scriptdir . \"%s.png\"\n"
	        "title = ",
	        chart, tmpl_name, chart, chart, chart, chart);
	put_gnuplot_string(f, title);
	fputs("\n\n", f);
}

/* Close f, reporting any earlier write error or a failed flush. */
static rs_status close_checked(FILE *f, const char *path, rs_error *err)
{
	bool bad = ferror(f) != 0;
	int saved = errno;
	if (fclose(f) != 0 && !bad) {
		bad = true;
		saved = errno;
	}
	if (bad)
		return rs_fail(err, RS_ERR_IO, "%s: cannot write: %s", path, strerror(saved));
	return RS_OK;
}

/* ---- running gnuplot ------------------------------------------------------------------ */

/* The line of gnuplot's stderr to quote: the first one naming a script line
 * ("... line N: message"), else the first non-blank one.  Trailing
 * whitespace removed.  buf is modified. */
static const char *stderr_quote(char *buf)
{
	const char *first = NULL;
	for (char *s = buf; *s;) {
		char *eol = strchr(s, '\n');
		char *next = eol ? eol + 1 : s + strlen(s);
		if (eol)
			*eol = '\0';
		char *e = s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			*--e = '\0';
		const char *t = s + strspn(s, " \t");
		if (*t && strstr(t, "\" line "))
			return t;
		if (*t && !first)
			first = t;
		s = next;
	}
	return first ? first : "(blank output)";
}

/* Run gnuplot on script (path), drawing into png_tmp.  On success the
 * caller renames png_tmp.  OUT: *missing when the program does not exist
 * (nothing else is reported then). */
static rs_status run_gnuplot(const char *program, const char *dir, const char *script,
                             const char *png_tmp, bool *missing, rs_error *err)
{
	*missing = false;
	char *err_path = path_in(dir, CHART_STDERR_NAME);
	if (!err_path)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	int errfd = mkstemp(err_path);
	if (errfd < 0) {
		rs_status st = rs_fail(err, RS_ERR_IO, "%s: cannot create a temporary file: %s",
		                       err_path, strerror(errno));
		free(err_path);
		return st;
	}
	unlink(err_path); /* the open descriptor keeps it alive */

	rs_status st = RS_OK;
	posix_spawn_file_actions_t fa;
	bool fa_ok = posix_spawn_file_actions_init(&fa) == 0;
	if (!fa_ok || posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0) != 0 ||
	    posix_spawn_file_actions_adddup2(&fa, errfd, 2) != 0 ||
	    posix_spawn_file_actions_addclose(&fa, errfd) != 0) {
		st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
		goto out;
	}
	char *argv[] = {(char *)program, "-c", (char *)script, (char *)png_tmp, NULL};
	pid_t pid;
	int rc = posix_spawnp(&pid, program, &fa, NULL, argv, environ);
	if (rc == ENOENT) {
		*missing = true;
		goto out;
	}
	if (rc != 0) {
		st = rs_fail(err, RS_ERR_TOOL, "%s: cannot run %s: %s", script, program,
		             strerror(rc));
		goto out;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			st = rs_fail(err, RS_ERR_TOOL, "%s: waiting for %s: %s", script, program,
			             strerror(errno));
			goto out;
		}
	}

	char buf[CHART_STDERR_MAX + 1];
	ssize_t n = pread(errfd, buf, CHART_STDERR_MAX, 0);
	if (n < 0) {
		st = rs_fail(err, RS_ERR_IO, "%s: cannot read gnuplot's messages: %s", err_path,
		             strerror(errno));
		goto out;
	}
	buf[n] = '\0';
	if (WIFSIGNALED(status))
		st = rs_fail(err, RS_ERR_TOOL, "%s: %s was killed by signal %d", script, program,
		             WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		st = rs_fail(err, RS_ERR_TOOL, "%s: %s failed (exit status %d): %.*s", script,
		             program, WEXITSTATUS(status), CHART_QUOTE_MAX,
		             n > 0 ? stderr_quote(buf) : "(no message)");
	else if (n > 0)
		st = rs_fail(err, RS_ERR_TOOL, "%s: %s reported a problem: %.*s", script, program,
		             CHART_QUOTE_MAX, stderr_quote(buf));
out:
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	close(errfd);
	free(err_path);
	return st;
}

/* ---- the chart ------------------------------------------------------------------------ */

rs_status rs_chart_render(const char *dir, const rs_chart_opts *opts, char *warning, size_t wlen,
                          rs_error *err)
{
	static const rs_chart_opts defaults = {0};
	if (!opts)
		opts = &defaults;
	const char *program = opts->gnuplot ? opts->gnuplot : CHART_DEFAULT_GNUPLOT;
	const char *title = opts->title ? opts->title : CHART_DEFAULT_TITLE;
	if (warning && wlen > 0)
		warning[0] = '\0';

	const char *tmpl = find_template("throughput.gp");
	assert(tmpl && "plots/throughput.gp is compiled in by scripts/embed.sh");
	if (!tmpl)
		return rs_fail(err, RS_ERR_TOOL, "the template throughput.gp is not compiled in");

	rs_status st = RS_OK;
	char *csv = path_in(dir, CHART_CSV);
	char *dat = path_in(dir, "throughput.dat");
	char *gp = path_in(dir, "throughput.gp");
	char *png = path_in(dir, "throughput.png");
	char *png_tmp = path_in(dir, "throughput.png" CHART_TMP_SUFFIX);
	if (!csv || !dat || !gp || !png || !png_tmp) {
		st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* A PNG from an earlier run would no longer match the data. */
	if (unlink(png) != 0 && errno != ENOENT) {
		st = rs_fail(err, RS_ERR_IO, "%s: cannot remove the old chart: %s", png,
		             strerror(errno));
		goto out;
	}

	FILE *f = fopen(dat, "w");
	if (!f) {
		st = rs_fail(err, RS_ERR_IO, "%s: cannot create: %s", dat, strerror(errno));
		goto out;
	}
	st = throughput_extract(csv, f, err);
	rs_status cst = close_checked(f, dat, st == RS_OK ? err : NULL);
	if (st == RS_OK)
		st = cst;
	if (st != RS_OK) {
		unlink(dat);
		goto out;
	}

	f = fopen(gp, "w");
	if (!f) {
		st = rs_fail(err, RS_ERR_IO, "%s: cannot create: %s", gp, strerror(errno));
		goto out;
	}
	put_script_head(f, "throughput", "throughput.gp", title);
	fputs(tmpl, f);
	st = close_checked(f, gp, err);
	if (st != RS_OK)
		goto out;

	bool missing;
	st = run_gnuplot(program, dir, gp, png_tmp, &missing, err);
	if (st == RS_OK && missing) {
		if (opts->required) {
			st = rs_fail(err, RS_ERR_TOOL, "%s " CHART_NOT_FOUND, program);
		} else if (warning && wlen > 0) {
			snprintf(warning, wlen,
			         "warning: %s " CHART_NOT_FOUND "; %s not drawn (then run: "
			         "gnuplot %s)",
			         program, png, gp);
		}
		goto out;
	}
	if (st == RS_OK && rename(png_tmp, png) != 0)
		st = rs_fail(err, RS_ERR_IO, "%s: cannot rename to %s: %s", png_tmp, png,
		             strerror(errno));
	if (st != RS_OK)
		unlink(png_tmp);
out:
	free(csv);
	free(dat);
	free(gp);
	free(png);
	free(png_tmp);
	return st;
}
