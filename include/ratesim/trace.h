/*
 * trace.h - read a public LLM request trace into memory.
 *
 * A trace is a list of requests, each with an arrival time, a prompt size and
 * a completion size.  Clients replay it (arrivals.h, RS_ARRIVAL_TRACE) or draw
 * sizes from it (dist.h, RS_DIST_EMPIRICAL / RS_DIST_TRACE); MODEL.md
 * section 8.  Three formats are read (scenarios/traces/ATTRIBUTION.md names
 * their sources):
 *
 *   Azure 2023     CSV  TIMESTAMP,ContextTokens,GeneratedTokens with wall-clock
 *                       timestamps "YYYY-MM-DD HH:MM:SS.fffffff" (no time zone;
 *                       up to 7 fractional digits, rounded half up to the
 *                       microsecond; converted with proleptic-Gregorian day
 *                       arithmetic, never the C library's time functions).
 *   BurstGPT       CSV  layout 1 "Timestamp,Model,Request tokens,Response
 *                       tokens,Total tokens,Log Type" or layout 3 "Timestamp,
 *                       Session ID,Elapsed time,Model,Request tokens,Response
 *                       tokens,Total tokens,Log Type", told by the header;
 *                       timestamps in seconds (integer or decimal).
 *   Mooncake       JSONL {"timestamp": ms, "input_length": N,
 *                       "output_length": N, ...} per line, no header.
 *
 * Invariants of a loaded trace: n >= 1; t[0] == 0; t is non-decreasing (rows
 * that share a timestamp stay in file order); every token count is >= 0.
 *
 * How BurstGPT's failed rows and model filter replay:
 *   - model_filter drops every row whose Model is not the one named, before
 *     anything else: the dropped rows are not requests of this trace at all,
 *     so t[] is measured from the first row that is kept, and the gaps the
 *     dropped rows leave stay in the replay (the kept rows keep their logged
 *     times).
 *   - A row with Response tokens == 0 is a failed request in the original
 *     log.  zero_rows counts those among the rows the model filter kept.
 *     RS_ZERO_ROWS_SKIP drops them like filtered rows (no arrival at all);
 *     RS_ZERO_ROWS_KEEP keeps them as requests with their logged sizes
 *     (usually 0 prompt and 0 output tokens), so the offered load includes
 *     them.
 *   - The "backwards time" check applies to every data row of the file,
 *     dropped or kept.
 * Azure and Mooncake traces have no such rows (zero_rows is 0 and both
 * settings read every row); a model filter on them is an error.
 *
 * Parsing is strict and streaming (one line in memory at a time): wrong
 * column count, a non-integer or negative token count, a bad timestamp or
 * time going backwards (compared after rounding to the microsecond) fail
 * with the file and line.  Lines may end in LF or CRLF, the last one may
 * have no line ending, and blank lines are skipped (also before the header
 * or the first JSON row).  A line may hold at most RS_TRACE_MAX_LINE bytes
 * (its line ending not counted): a longer one, a read error or a NUL byte is
 * an error naming FILE:LINE, never a truncated trace.  A Mooncake row with
 * a key given twice is refused.
 * CSV fields are not quoted in any supported trace, so quotes are not
 * interpreted.  Cost: O(rows) time, 16 bytes per kept row.
 */
#ifndef RATESIM_TRACE_H
#define RATESIM_TRACE_H

#include "ratesim/common.h"
#include "ratesim/config.h"

/* The longest line a trace may have, bytes (the public traces' lines are
 * under 200; a Mooncake row with its hash_ids list stays far below this). */
#define RS_TRACE_MAX_LINE 65536

typedef struct rs_trace {
	size_t n;         /* rows kept (>= 1) */
	rs_time *t;       /* arrival offset of each row from the first kept row, ascending, us */
	int32_t *prompt;  /* prompt (context/request/input) tokens */
	int32_t *output;  /* completion (generated/response/output) tokens */
	rs_time span;     /* t[n-1] */
	rs_time mean_gap; /* span / (n - 1) (integer division), or 1 s when n == 1 */
	size_t zero_rows; /* BurstGPT rows with zero response tokens seen (skipped or kept) */
	rs_trace_format format; /* the format actually read (never AUTO) */
	const char *path;       /* the file read (borrowed from the rs_trace_cfg) */
} rs_trace;

/* Which per-row value a size distribution takes from a trace. */
typedef enum rs_trace_column { RS_TRACE_PROMPT, RS_TRACE_OUTPUT } rs_trace_column;

/*
 * Read a whole trace file.
 *   cfg   borrowed: path (opened as given), format (AUTO: told from the first
 *         line: a known CSV header, or '{' for JSON Lines; otherwise the first
 *         line must be that format's), zero_rows, model_filter (BurstGPT only).
 * OUT: *out, a new trace the caller frees with rs_trace_free; NULL on error.
 * Errors, each message naming the file and, for a row, its line:
 *   RS_ERR_IO       "FILE: cannot open: <strerror>", "FILE:LINE: cannot read: <strerror>"
 *   RS_ERR_SYNTAX   "FILE:LINE: expected 3 columns TIMESTAMP,ContextTokens,GeneratedTokens
 *                   (got 2)", "FILE:LINE: bad timestamp \"...\"",
 *                   "FILE:LINE: bad ContextTokens \"...\" (expected an integer >= 0)",
 *                   "FILE:LINE:COL: bad JSON", "FILE:LINE: line longer than 65536
 *                   bytes (the longest trace line read)", "FILE:LINE: duplicate key
 *                   \"timestamp\"", ...
 *   RS_ERR_INVALID  "FILE:LINE: timestamps go backwards", "FILE: no rows",
 *                   "FILE:LINE: ContextTokens must be >= 0 (got -3)",
 *                   "FILE:1: unknown trace header \"...\" (expected an Azure, BurstGPT or
 *                   Mooncake trace)", a format other than cfg->format, a model
 *                   filter on a non-BurstGPT trace, or no row left after filtering
 *   RS_ERR_NOMEM
 */
rs_status rs_trace_load(const rs_trace_cfg *cfg, rs_trace **out, rs_error *err);

void rs_trace_free(rs_trace *t); /* NULL does nothing */

#endif
