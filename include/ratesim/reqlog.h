/*
 * reqlog.h - the request log's order and sampling (issue 10 parts 3 and 6):
 * rows of requests.csv are written in the order the parties decided them,
 * each once the client is done with its attempt.
 *
 * A row is opened when its attempt is decided (a deployment's meter, a
 * router, the client's own controls) and closed when every field is known:
 * at once for a deployment's answer a router or spillover went past, later
 * for the attempt the client waits for (its answer, completion, timeout,
 * and then what the client decided: a backoff or giving up).  Rows leave in
 * the order they were opened, as soon as every earlier row has closed: a
 * reorder buffer.  So the file follows the order of decisions (the order the
 * meters saw the attempts, which an independent replay needs, and spill rows
 * in the order of events) while each row is complete.
 *
 * Sampling: with a rate P < 1 a request is kept or dropped whole, by a hash
 * of its id (splitmix64), so a kept request has every row of every attempt.
 * The same run with the same P keeps the same requests.
 *
 * Cost: O(1) amortised per row.  Memory: the rows between the oldest open
 * one and the newest, i.e. the rows decided while the slowest attempt in
 * flight is answered (rate x the longest attempt); a ring that doubles.  A
 * row that would stay open to the end of the run (an attempt that hangs with
 * no timeout) must be closed at once by the caller, or it holds every later
 * row in memory until the end.
 */
#ifndef RATESIM_REQLOG_H
#define RATESIM_REQLOG_H

#include "ratesim/world.h"

#include <stdio.h>

typedef struct rs_reqlog rs_reqlog;

/* Where closed rows go, in order (the attempt hook of rs_world_hooks). */
typedef rs_status (*rs_reqlog_put_fn)(void *ctx, const rs_attempt_record *rec);

/* A log writing through put(ctx, row) (both borrowed), keeping the
 * requests whose id hashes below sample (in (0, 1]; 1 keeps every one).
 * NULL when out of memory.  Caller frees with rs_reqlog_free. */
rs_reqlog *rs_reqlog_new(rs_reqlog_put_fn put, void *ctx, double sample);
void rs_reqlog_free(rs_reqlog *l); /* NULL does nothing; held rows are lost */

/* Parse a sampling rate (--log-sample): a number in (0, 1].  OUT: *rate.
 * false when the text is not one. */
bool rs_reqlog_parse_sample(const char *text, double *rate);

/* Whether request `id` is in the sample. */
bool rs_reqlog_sampled(const rs_reqlog *l, uint64_t id);

/* Open a row: the row of a new ticket (*ticket > 0), every field for the
 * caller to set in place; NULL (and *ticket 0) when request_id is not
 * sampled or memory ran out (then the log's status is set). */
rs_attempt_record *rs_reqlog_open_row(rs_reqlog *l, uint64_t request_id, uint64_t *ticket);

/* The held row of an open ticket, to fill in; NULL for ticket 0. */
rs_attempt_record *rs_reqlog_row(rs_reqlog *l, uint64_t ticket);

/* Close a ticket (0 does nothing) and write every row that is now free to
 * go.  Returns the first error of put. */
rs_status rs_reqlog_close(rs_reqlog *l, uint64_t ticket);

/* Write every held row, closed or not (the run's end: open rows as they
 * stand).  Returns the first error of put, or NOMEM from an earlier open. */
rs_status rs_reqlog_flush(rs_reqlog *l);

/* requests.csv (reqlog_csv.c; docs/outputs.md): a writer of the header
 * line and the rows to f (borrowed; the writer makes it unbuffered and
 * buffers itself).  The names in the rows must stay where they are while
 * the writer lives (it remembers them by address: the configuration's and
 * tables').  NULL when out of memory; rs_reqlog_csv_free frees. */
typedef struct rs_reqlog_csv rs_reqlog_csv;
rs_reqlog_csv *rs_reqlog_csv_new(FILE *f);
void rs_reqlog_csv_free(rs_reqlog_csv *w); /* NULL does nothing; unflushed rows are lost */

/* One row.  Returns 0, or -1 with errno set when a write failed (then and
 * from then on) or memory ran out. */
int rs_reqlog_csv_put(rs_reqlog_csv *w, const rs_attempt_record *a);

/* Write the buffered rows to f.  Returns 0, or -1 with errno set. */
int rs_reqlog_csv_flush(rs_reqlog_csv *w);

/* Rows held now, and the most ever held (for tests and the bench). */
size_t rs_reqlog_held(const rs_reqlog *l);
size_t rs_reqlog_peak(const rs_reqlog *l);

#endif
