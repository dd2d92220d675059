/*
 * quota_watch.c - the remaining-quota pause (see quota_watch.h).
 *
 * Per client: the end of the current pause (0: none yet) and a count of
 * pauses.  The thresholds are the client's scenario keys
 * (remaining_quota.min_requests / min_tokens / pause_ms).
 */
#include "ratesim/quota_watch.h"

#include <stdlib.h>

typedef struct watch {
	const rs_quota_watch_cfg *cfg; /* borrowed */
	rs_time until;
	uint64_t pauses;
} watch;

struct rs_quota_watch {
	watch *w; /* [n] */
	size_t n;
};

bool rs_quota_watch_wanted(const rs_config *cfg)
{
	for (size_t i = 0; i < cfg->n_clients; i++)
		if (cfg->clients[i].quota_watch.on)
			return true;
	return false;
}

rs_quota_watch *rs_quota_watch_new(const rs_config *cfg)
{
	rs_quota_watch *q = rs_calloc(1, sizeof *q);
	if (!q)
		return NULL;
	q->w = rs_calloc(cfg->n_clients ? cfg->n_clients : 1, sizeof *q->w);
	if (!q->w) {
		free(q);
		return NULL;
	}
	q->n = cfg->n_clients;
	for (size_t i = 0; i < q->n; i++)
		q->w[i].cfg = &cfg->clients[i].quota_watch;
	return q;
}

void rs_quota_watch_free(rs_quota_watch *q)
{
	if (!q)
		return;
	free(q->w);
	free(q);
}

/* Whether a reported value (< 0: not reported) is under a threshold (0: not watched). */
static bool under(int64_t reported, double threshold)
{
	return threshold > 0 && reported >= 0 && (double)reported < threshold;
}

bool rs_quota_watch_seen(rs_quota_watch *q, size_t c, rs_time now, int64_t remaining_requests,
                         int64_t remaining_tokens)
{
	watch *w = &q->w[c];
	if (!w->cfg->on || !(under(remaining_requests, w->cfg->min_requests) ||
	                     under(remaining_tokens, w->cfg->min_tokens)))
		return false;
	rs_time end = now + rs_time_from_s(w->cfg->pause_ms / 1e3);
	if (end > w->until)
		w->until = end;
	w->pauses++;
	return true;
}

bool rs_quota_watch_paused(const rs_quota_watch *q, size_t c, rs_time now, rs_time *until)
{
	const watch *w = &q->w[c];
	if (now >= w->until)
		return false;
	*until = w->until;
	return true;
}

uint64_t rs_quota_watch_pauses(const rs_quota_watch *q, size_t c)
{
	return q->w[c].pauses;
}
