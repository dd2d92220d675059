/*
 * cli.h - the ratesim command line as parsed (cli.c): which command, its
 * files and its options.  Private to the executable (main.c, cli.c), not
 * part of the library.
 *
 * Exit codes:
 *   0  success
 *   1  a bad scenario or trace, an unreadable or unwritable file, a failed
 *      tool or run
 *   2  command-line misuse
 */
#ifndef RATESIM_CLI_H
#define RATESIM_CLI_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define EXIT_BAD_INPUT 1
#define EXIT_USAGE     2
#define MAX_SETS       256
#define MAX_FILES      64 /* scenarios of one comparison */
#define MAX_AXES       8  /* sweep axes on the command line */
#define MAX_TARGETS    16 /* size targets */
/* The name of the window `--window START:END` adds to the scenario. */
#define CLI_WINDOW_NAME "window"
#define SET_MAX         128 /* bytes of a generated --set ("seed=...") */

enum { CMD_RUN, CMD_VALIDATE, CMD_PLOT, CMD_COMPARE, CMD_SWEEP, CMD_SIZE, CMD_COLLECT, CMD_N };
extern const char *const cli_cmd_names[CMD_N];

typedef struct cli {
	int command; /* CMD_*, -1 before it is known */
	const char *files[MAX_FILES];
	size_t n_files;
	const char *out_dir;
	const char *sets[MAX_SETS];
	size_t n_sets;
	char seed_set[SET_MAX], rep_set[SET_MAX], mem_set[SET_MAX], out_set[SET_MAX];
	const char *seed_text;
	bool log_requests, no_charts, quiet, force, json;
	double log_sample;              /* --log-sample, or 0: every request */
	size_t reps, jobs, replication; /* 0: not given */
	const char *emit;
	const char *axes[MAX_AXES];
	size_t n_axes;
	const char *param;
	const char *targets[MAX_TARGETS];
	size_t n_targets;
	const char *min, *max, *step;
	/* --window: the window whose figures to show ("window" for START:END,
	 * which adds it to the scenario with win_set), or NULL */
	const char *window;
	char window_name[SET_MAX], win_set[SET_MAX];
	double win_start_s, win_end_s; /* START:END, else NaN */
	unsigned given;                /* bit per option seen, to check they apply */
	char program[PATH_MAX];
} cli;

/* Parse argv into *c (zeroed by the caller).  Returns -1 to go on with the
 * command, else the exit code to leave with: 0 after --help or --version
 * (printed on stdout), EXIT_USAGE after a usage error (printed on stderr
 * with "try 'ratesim --help'"). */
int cli_parse(int argc, char **argv, cli *c);

/* A usage error: "ratesim: MESSAGE" and the hint on stderr.  Returns
 * EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
