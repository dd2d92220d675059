/*
 * textio.h - whole-file reads and atomic whole-file writes for the
 * decision layer's small files (plan.json, aggregates, reports).
 *
 * A write goes to PATH.tmp.PID and is renamed over PATH only when every
 * byte reached the disk without error, so a reader sees the old file or
 * the new one, never half of one; two processes writing the same file do
 * not share a temporary name.
 */
#ifndef RATESIM_TEXTIO_H
#define RATESIM_TEXTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ratesim/common.h"

/* The file at path as a new NUL-terminated string, or NULL (errno says
 * why; ENOMEM for no memory). */
char *rs_text_read(const char *path);

/* A new printf-formatted string (caller frees), or NULL on no memory. */
char *rs_text_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A new string "a/b" (one slash), or NULL on no memory. */
char *rs_text_join(const char *a, const char *b);

/* An output file written through a temporary and renamed by close. */
typedef struct rs_text_out {
	FILE *f;
	char *path, *tmp;
} rs_text_out;

/* Open path for writing (through its temporary).  Errors: RS_ERR_IO
 * ("PATH: cannot create: REASON"), RS_ERR_NOMEM. */
rs_status rs_text_open(rs_text_out *o, const char *path, rs_error *err);

/* Close and rename into place; on any write error remove the temporary and
 * fail with "PATH: cannot write: REASON".  abandon: just remove it. */
rs_status rs_text_close(rs_text_out *o, rs_error *err);
void rs_text_abandon(rs_text_out *o);

/* Write text to path atomically. */
rs_status rs_text_write(const char *path, const char *text, rs_error *err);

/* A CSV field per RFC 4180: bare when it holds no comma, quote, CR or LF,
 * else in double quotes with each quote doubled. */
void rs_text_put_csv(FILE *f, const char *s);

/* The same rule for a writer of its own: whether s must be quoted (it holds
 * a comma, a quote, CR or LF), and s quoted into dst, which has room for
 * RS_TEXT_CSV_QUOTED_MAX(strlen(s)) bytes (no NUL); returns the length. */
#define RS_TEXT_CSV_QUOTED_MAX(len) (2 * (len) + 2)
bool rs_text_csv_needs_quotes(const char *s);
size_t rs_text_csv_quote(char *dst, const char *s);

/* A number for a CSV or .dat file: "%.10g", or nothing (an empty field)
 * for NaN or an infinity. */
void rs_text_put_num(FILE *f, double v);

/* A growable string; an append that runs out of memory marks it so (and
 * later appends do nothing), checked once at the end. */
typedef struct rs_text_buf {
	char *s;
	size_t len, cap;
	bool nomem;
} rs_text_buf;

void rs_text_add(rs_text_buf *b, const char *s, size_t n);
void rs_text_puts(rs_text_buf *b, const char *s);
void rs_text_printf(rs_text_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
