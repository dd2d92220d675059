/*
 * gnuplot.c - gnuplot scripts' shared parts, and running gnuplot (see
 * gnuplot.h).
 *
 * Drawing a set of n scripts DIR/NAME.gp: for each format F in png, svg,
 * `gnuplot -c DIR/NAME.gp DIR/NAME.F.tmp F` with posix_spawnp (no shell),
 * stdin and stdout on /dev/null and stderr in an unlinked temporary file in
 * DIR.  Up to GNUPLOT_PARALLEL processes run at once.  Each image is then
 * checked (exit status 0, non-empty, a PNG's signature and IEND chunk, an
 * SVG's opening tag and </svg>), and the images are renamed into place only
 * when every one of the set passed, so a failed set leaves none.  What
 * gnuplot writes to stderr with exit status 0 is a warning: kept, the first
 * one returned to the caller, never fatal.
 *
 * The head's script finds its folder from ARG0 (the script's path in
 * gnuplot 5), so a script names no folder and two renders of the same
 * inputs write byte-identical scripts.
 */
#include "ratesim/gnuplot.h"
#include "ratesim/textio.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plots_gen.h"

extern char **environ; /* passed to gnuplot unchanged (fonts, locale) */

#define GNUPLOT_DEFAULT "gnuplot"
#define GNUPLOT_STYLE   "style.gp" /* the shared look, before each chart's template */
/* The name gnuplot draws into before a clean exit renames it. */
#define GNUPLOT_TMP_SUFFIX ".tmp"
/* Template for the file that receives gnuplot's stderr (mkstemp). */
#define GNUPLOT_STDERR_NAME ".gnuplot-stderr.XXXXXX"
/* How much of gnuplot's stderr is read to quote in a message: the first
 * lines are what matter, and any byte at all already means failure. */
#define GNUPLOT_STDERR_MAX 4096
/* Longest stderr line quoted in a message. */
#define GNUPLOT_QUOTE_MAX 300
#define GNUPLOT_NOT_FOUND "not found: install the gnuplot-nox package (apt-get install gnuplot-nox)"
/* gnuplot processes at once: enough to overlap their start-up (about 0.1 s
 * each), few enough not to swamp a small machine. */
#define GNUPLOT_PARALLEL 8
/* The longest warning kept: a path and one quoted line. */
#define GNUPLOT_WARNING_MAX 1024
/* A PNG file's first 8 bytes, and its last chunk's type, 8 bytes from the end
 * (the PNG specification, sections 5.2 and 11.2.5). */
static const unsigned char png_signature[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
#define PNG_END_TYPE      "IEND"
#define PNG_END_OFFSET    8 /* IEND's type, then its 4-byte CRC */
#define SVG_CLOSE         "</svg>"
#define IMAGE_PEEK        512 /* bytes read at each end of an image to check it */
#define PROGRESS_MAX      512
#define GNUPLOT_N_FORMATS 2
static const char *const gnuplot_formats[GNUPLOT_N_FORMATS] = {"png", "svg"};

/* ---- templates and the script head ---------------------------------------------------- */

const char *rs_gnuplot_template(const char *name)
{
	for (size_t i = 0; i < rs_embedded_plots_count; i++)
		if (strcmp(rs_embedded_plots[i].name, name) == 0)
			return rs_embedded_plots[i].text;
	return NULL;
}

void rs_gnuplot_put_string(FILE *f, const char *s)
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

void rs_gnuplot_put_head(FILE *f, const char *chart, const char *title)
{
	fprintf(f,
	        "# %s.gp - written by ratesim: the variables below, then the templates\n"
	        "# plots/" GNUPLOT_STYLE " and plots/%s.gp compiled into ratesim.  Edit freely\n"
	        "# and rerun from any folder with\n"
	        "#     gnuplot path/to/%s.gp                 (draws %s.png beside it)\n"
	        "#     gnuplot -c path/to/%s.gp OUT.svg      (draws OUT.svg; OUT.png for a PNG)\n"
	        "# Paths are relative to this script's folder, found from ARG0 (the\n"
	        "# script's path).  ratesim runs `gnuplot -c %s.gp TEMPORARY FORMAT`.\n"
	        "scriptdir = \"\"\n"
	        "rest = ARG0\n"
	        "while (strstrt(rest, \"/\") > 0) {\n"
	        "\tscriptdir = scriptdir . rest[1:strstrt(rest, \"/\")]\n"
	        "\trest = rest[strstrt(rest, \"/\") + 1:]\n"
	        "}\n"
	        "datafile = scriptdir . \"%s.dat\"\n"
	        "outfile = (ARGC >= 1) ? ARG1 : scriptdir . \"%s.png\"\n"
	        "format = (ARGC >= 2) ? ARG2 : (strlen(outfile) >= 4 && "
	        "outfile[strlen(outfile) - 2:] eq \"svg\") ? \"svg\" : \"png\"\n"
	        "title = ",
	        chart, chart, chart, chart, chart, chart, chart, chart);
	rs_gnuplot_put_string(f, title);
	fputs("\n# What ratesim found in the data, for the template:\n", f);
}

rs_status rs_gnuplot_put_body(FILE *f, const char *tmpl, rs_error *err)
{
	const char *style = rs_gnuplot_template(GNUPLOT_STYLE);
	const char *text = rs_gnuplot_template(tmpl);
	if (!style || !text)
		return rs_fail(err, RS_ERR_INVALID, "plots/%s: no such template compiled in",
		               style ? tmpl : GNUPLOT_STYLE);
	fputs("\n", f);
	fputs(style, f);
	fputs("\n", f);
	fputs(text, f);
	return RS_OK;
}

/* ---- paths ---------------------------------------------------------------------------- */

/* "dir/name" then ext ("" for none), one slash, or NULL when memory runs
 * out.  Caller frees. */
static char *path_of(const char *dir, const char *name, const char *ext)
{
	size_t dl = strlen(dir);
	bool slash = dl > 0 && dir[dl - 1] != '/';
	return rs_text_format("%s%s%s%s", dir, slash ? "/" : "", name, ext);
}

/* ---- running gnuplot ------------------------------------------------------------------ */

/* One gnuplot process: draw `script` into `tmp` in `format`; `out` is where
 * the image goes when the whole set succeeded. */
typedef struct gp_job {
	char *script, *out, *tmp; /* owned */
	const char *format;       /* static */
	pid_t pid;
	int errfd; /* the captured stderr; -1 when not started */
} gp_job;

typedef struct gp_set {
	const char *dir;           /* borrowed */
	const char *program;       /* borrowed */
	const rs_chart_opts *opts; /* borrowed */
	gp_job *jobs;              /* owned, n */
	size_t n;
	char warning[GNUPLOT_WARNING_MAX]; /* the first warning; "" for none */
} gp_set;

static void set_fini(gp_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->jobs[i].script);
		free(s->jobs[i].out);
		free(s->jobs[i].tmp);
	}
	free(s->jobs);
	s->jobs = NULL;
	s->n = 0;
}

/* One job per chart of names[0..n) and format. */
static rs_status set_init(gp_set *s, const char *const *names, size_t n, rs_error *err)
{
	if (n == 0)
		return RS_OK;
	s->jobs = rs_calloc(n * GNUPLOT_N_FORMATS, sizeof *s->jobs);
	if (!s->jobs)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	for (size_t c = 0; c < n; c++) {
		for (int f = 0; f < GNUPLOT_N_FORMATS; f++) {
			gp_job *j = &s->jobs[s->n++];
			*j = (gp_job){.format = gnuplot_formats[f], .errfd = -1};
			j->script = path_of(s->dir, names[c], ".gp");
			char ext[sizeof ".svg"];
			snprintf(ext, sizeof ext, ".%s", j->format);
			j->out = path_of(s->dir, names[c], ext);
			j->tmp = j->out ? rs_text_format("%s" GNUPLOT_TMP_SUFFIX, j->out) : NULL;
			if (!j->script || !j->out || !j->tmp)
				return rs_fail(err, RS_ERR_NOMEM, "out of memory");
		}
	}
	return RS_OK;
}

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

/* Start job j.  OUT: *missing when the program does not exist (nothing
 * else is reported then, and j is not started). */
static rs_status job_start(const gp_set *s, gp_job *j, bool *missing, rs_error *err)
{
	*missing = false;
	char *err_path = path_of(s->dir, GNUPLOT_STDERR_NAME, "");
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
	free(err_path);

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
	char *argv[] = {(char *)s->program, "-c", j->script, j->tmp, (char *)j->format, NULL};
	int rc = posix_spawnp(&j->pid, s->program, &fa, NULL, argv, environ);
	if (rc == ENOENT)
		*missing = true;
	else if (rc != 0)
		st = rs_fail(err, RS_ERR_TOOL, "%s: cannot run %s: %s", j->script, s->program,
		             strerror(rc));
	else
		j->errfd = errfd;
out:
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	if (j->errfd < 0)
		close(errfd);
	return st;
}

/* Is the image at j->tmp complete: non-empty, and for a PNG its signature and
 * IEND chunk, for an SVG its opening tag and closing </svg>? */
static rs_status check_image(const gp_job *j, rs_error *err)
{
	FILE *f = fopen(j->tmp, "rb");
	if (!f)
		return rs_fail(err, RS_ERR_TOOL, "%s: gnuplot drew no image (%s: %s)", j->script,
		               j->tmp, strerror(errno));
	unsigned char head[IMAGE_PEEK + 1], tail[IMAGE_PEEK + 1];
	size_t nh = fread(head, 1, IMAGE_PEEK, f), nt = 0;
	if (fseek(f, -(long)IMAGE_PEEK, SEEK_END) != 0)
		rewind(f); /* shorter than IMAGE_PEEK: its tail is all of it */
	nt = fread(tail, 1, IMAGE_PEEK, f);
	fclose(f);
	head[nh] = tail[nt] = '\0';
	bool ok;
	if (strcmp(j->format, "png") == 0) {
		ok = nh >= sizeof png_signature &&
		     memcmp(head, png_signature, sizeof png_signature) == 0 &&
		     nt >= PNG_END_OFFSET &&
		     memcmp(tail + nt - PNG_END_OFFSET, PNG_END_TYPE, strlen(PNG_END_TYPE)) == 0;
	} else {
		const char *h = (const char *)head + strspn((const char *)head, " \t\r\n");
		while (nt > 0 && strchr(" \t\r\n", tail[nt - 1]))
			tail[--nt] = '\0';
		ok = (strncmp(h, "<?xml", 5) == 0 || strncmp(h, "<svg", 4) == 0) &&
		     nt >= strlen(SVG_CLOSE) &&
		     strcmp((const char *)tail + nt - strlen(SVG_CLOSE), SVG_CLOSE) == 0;
	}
	if (!ok)
		return rs_fail(err, RS_ERR_TOOL, "%s: gnuplot left %s an incomplete %s image (%s)",
		               j->script, j->tmp, j->format, nh == 0 ? "empty" : "truncated");
	return RS_OK;
}

/* Tell opts->progress that `done` of the set's charts are drawn. */
static void tell_progress(const gp_set *s, size_t done)
{
	if (!s->opts->progress)
		return;
	char line[PROGRESS_MAX];
	snprintf(line, sizeof line, "charts: %zu of %zu drawn in %s", done,
	         s->n / GNUPLOT_N_FORMATS, s->dir);
	s->opts->progress(s->opts->progress_ctx, line);
}

/* Wait for the started job j and judge it: exit 0 and a complete image; what
 * it wrote to stderr is the set's warning. */
static rs_status job_finish(gp_set *s, gp_job *j, rs_error *err)
{
	rs_status st = RS_OK;
	int status;
	while (waitpid(j->pid, &status, 0) < 0) {
		if (errno != EINTR) {
			st = rs_fail(err, RS_ERR_TOOL, "%s: waiting for %s: %s", j->script,
			             s->program, strerror(errno));
			goto out;
		}
	}
	char buf[GNUPLOT_STDERR_MAX + 1];
	ssize_t n = pread(j->errfd, buf, GNUPLOT_STDERR_MAX, 0);
	if (n < 0) {
		st = rs_fail(err, RS_ERR_IO, "%s: cannot read gnuplot's messages: %s", j->script,
		             strerror(errno));
		goto out;
	}
	buf[n] = '\0';
	if (WIFSIGNALED(status))
		st = rs_fail(err, RS_ERR_TOOL, "%s: %s was killed by signal %d", j->script,
		             s->program, WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		st = rs_fail(err, RS_ERR_TOOL, "%s: %s failed (exit status %d): %.*s", j->script,
		             s->program, WEXITSTATUS(status), GNUPLOT_QUOTE_MAX,
		             n > 0 ? stderr_quote(buf) : "(no message)");
	else if (n > 0 && !s->warning[0])
		snprintf(s->warning, sizeof s->warning, "warning: %s: %s: %.*s", j->script,
		         s->program, GNUPLOT_QUOTE_MAX, stderr_quote(buf));
	if (st == RS_OK)
		st = check_image(j, err);
out:
	close(j->errfd);
	j->errfd = -1;
	return st;
}

/* Run every job of s, GNUPLOT_PARALLEL at a time, then rename every image
 * into place, or on any failure remove them all.  The first failure is
 * reported; later ones are waited for and dropped.  OUT: *missing when the
 * program does not exist (RS_OK, nothing drawn). */
static rs_status set_run(gp_set *s, bool *missing, rs_error *err)
{
	rs_status st = RS_OK;
	size_t started = 0, finished = 0;
	*missing = false;
	for (size_t i = 0; i < s->n && st == RS_OK && !*missing; i++) {
		if (started - finished == GNUPLOT_PARALLEL) {
			rs_status fs = job_finish(s, &s->jobs[finished++], err);
			if (fs != RS_OK) {
				st = fs;
				break;
			}
			if (finished % GNUPLOT_N_FORMATS == 0)
				tell_progress(s, finished / GNUPLOT_N_FORMATS);
		}
		st = job_start(s, &s->jobs[i], missing, err);
		if (st == RS_OK && !*missing)
			started++;
	}
	while (finished < started) {
		rs_status fs = job_finish(s, &s->jobs[finished++], st == RS_OK ? err : NULL);
		if (st == RS_OK)
			st = fs;
		if (st == RS_OK && finished % GNUPLOT_N_FORMATS == 0)
			tell_progress(s, finished / GNUPLOT_N_FORMATS);
	}
	for (size_t i = 0; i < s->n && st == RS_OK && !*missing; i++)
		if (rename(s->jobs[i].tmp, s->jobs[i].out) != 0)
			st = rs_fail(err, RS_ERR_IO, "%s: cannot rename to %s: %s", s->jobs[i].tmp,
			             s->jobs[i].out, strerror(errno));
	if (st != RS_OK) {
		for (size_t i = 0; i < s->n; i++) {
			unlink(s->jobs[i].tmp);
			unlink(s->jobs[i].out);
		}
	}
	return st;
}

rs_status rs_gnuplot_draw(const char *dir, const char *const *names, size_t n,
                          const rs_chart_opts *opts, char *warning, size_t wlen, rs_error *err)
{
	static const rs_chart_opts defaults = {0};
	if (!opts)
		opts = &defaults;
	if (warning && wlen > 0)
		warning[0] = '\0';
	gp_set s = {
	    .dir = dir, .program = opts->gnuplot ? opts->gnuplot : GNUPLOT_DEFAULT, .opts = opts};
	bool missing = false;
	rs_status st = set_init(&s, names, n, err);
	if (st == RS_OK)
		st = set_run(&s, &missing, err);
	if (st == RS_OK && missing) {
		if (opts->required)
			st = rs_fail(err, RS_ERR_TOOL, "%s " GNUPLOT_NOT_FOUND, s.program);
		else if (warning && wlen > 0 && s.n > 0)
			snprintf(warning, wlen,
			         "warning: %s " GNUPLOT_NOT_FOUND "; charts not drawn in %s (their "
			         "data and scripts are there: gnuplot %s)",
			         s.program, s.dir, s.jobs[0].script);
	}
	if (st == RS_OK && s.warning[0] && warning && wlen > 0)
		snprintf(warning, wlen, "%s", s.warning);
	set_fini(&s);
	return st;
}
