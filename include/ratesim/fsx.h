/*
 * fsx.h - output folders that stay whole: a lock per folder, a private
 * staging folder inside it, a commit that moves the data in first and the
 * completion marker last, and signal cleanup.
 *
 * A run writes every file into DIR/.ratesim-staging.XXXXXX (mkdtemp, same
 * file system as DIR, so the commit is a series of rename(2) calls).  While
 * it does, it holds an exclusive flock(2) on DIR itself (no lock file is
 * left behind; the kernel drops the lock when the process dies), so a second
 * run into the same folder refuses at once instead of mixing its files with
 * the first run's.  The commit first removes DIR's marker (summary.json), then
 * the files an earlier run left that this run does not write, then renames
 * every staged file into place and the marker last: a reader that sees the
 * marker sees one run's complete set of files.  A staging folder left by a
 * killed process (SIGKILL, power loss) is removed by the next run that takes
 * the lock.
 *
 * On SIGINT or SIGTERM (rs_fsx_catch_signals) every registered staging
 * folder and temporary file is removed with async-signal-safe calls only
 * (unlinkat over the names the caller declared, then rmdir), one line is
 * written to stderr and the process exits 128 + the signal number.  The
 * commit runs with those signals blocked, so an interruption lands either
 * before it (nothing new in DIR) or after it (a complete folder).
 *
 * Cost: one readdir of DIR when the stage opens and when it commits.
 * Limits: flock is advisory and may not work across NFS clients; two
 * processes that both ignore it can still collide.
 */
#ifndef RATESIM_FSX_H
#define RATESIM_FSX_H

#include "ratesim/common.h"

#define RS_FSX_STAGE_PREFIX ".ratesim-staging."

typedef struct rs_stage rs_stage;

/* Create `dir` and its parents (mode 0777 less the umask).
 * Errors: RS_ERR_IO naming the folder and the reason. */
rs_status rs_fsx_mkdir_p(const char *dir, rs_error *err);

/* Create dir, lock it and create a staging folder inside it.
 * names: NULL-terminated list of every file name a run may write into dir
 *        (static storage, borrowed for the stage's life): what the commit
 *        removes when this run did not write it, and what signal cleanup
 *        unlinks in the staging folder.
 * OUT: *out, freed with rs_stage_free.
 * Errors: RS_ERR_IO naming dir: cannot create, locked by another run
 *         ("another ratesim run is writing into this folder"), cannot stage. */
rs_status rs_stage_open(const char *dir, const char *const *names, rs_stage **out, rs_error *err);

/* The staging folder (write files here) and the final folder. */
const char *rs_stage_path(const rs_stage *s);
const char *rs_stage_dir(const rs_stage *s);

/* Move every staged file into the folder, `marker` (a name in the staging
 * folder, e.g. "summary.json") last, as described above.
 * Errors: RS_ERR_IO naming the file and the reason; the folder then has no
 * marker. */
rs_status rs_stage_commit(rs_stage *s, const char *marker, rs_error *err);

/* Remove the staging folder unless committed, release the lock. NULL: no-op. */
void rs_stage_free(rs_stage *s);

/* Write `text` to dir/name through a unique temporary name in dir (mkstemp)
 * and rename it into place; the temporary is removed on failure or signal.
 * Errors: RS_ERR_IO naming dir/name and the reason. */
rs_status rs_fsx_write_file(const char *dir, const char *name, const char *text, size_t len,
                            rs_error *err);

/* Install the SIGINT / SIGTERM cleanup described above.  prog prefixes the
 * line printed (e.g. "ratesim"; static storage).  Call once, from main. */
void rs_fsx_catch_signals(const char *prog);

#endif
