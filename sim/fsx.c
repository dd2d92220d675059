/*
 * fsx.c - output folder lock, staging, commit and signal cleanup (fsx.h).
 *
 * The registry of what to remove on a signal is a fixed array of slots
 * (FSX_SLOTS: a run holds one stage, plus one temporary file at a time);
 * slots are filled and emptied with SIGINT and SIGTERM blocked, so the
 * handler never sees one half written.  The handler calls only
 * async-signal-safe functions (unlinkat, unlink, rmdir, write, _exit).
 */
#define _DEFAULT_SOURCE /* flock(2); before any system header */
#include "ratesim/fsx.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define FSX_PATH_MAX    4096
#define FSX_SLOTS       8
#define FSX_DIR_MODE    0777
#define FSX_FILE_MODE   0666
#define FSX_EXIT_SIGNAL 128 /* a shell's exit status for "killed by signal N" */

typedef struct slot {
	volatile sig_atomic_t used;
	int dirfd;                /* staging folder, or -1 for a single file */
	const char *const *names; /* names to unlink in the staging folder */
	char path[FSX_PATH_MAX];
} slot;

static slot slots[FSX_SLOTS];
static const char *signal_prog = "ratesim";

struct rs_stage {
	char dir[FSX_PATH_MAX];
	char path[FSX_PATH_MAX];
	int dir_fd;   /* the output folder, flock()ed */
	int stage_fd; /* the staging folder */
	int slot;     /* registry slot, or -1 */
	const char *const *names;
	bool committed;
};

static void block_signals(sigset_t *old)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, old);
}

static void restore_signals(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

static int register_slot(int dirfd, const char *const *names, const char *path)
{
	sigset_t old;
	block_signals(&old);
	int k = -1;
	for (int i = 0; i < FSX_SLOTS && k < 0; i++) {
		if (!slots[i].used) {
			k = i;
			slots[i].dirfd = dirfd;
			slots[i].names = names;
			snprintf(slots[i].path, sizeof slots[i].path, "%s", path);
			slots[i].used = 1;
		}
	}
	restore_signals(&old);
	return k; /* -1: no slot; the next run still removes a stale stage */
}

static void unregister_slot(int k)
{
	if (k < 0)
		return;
	sigset_t old;
	block_signals(&old);
	slots[k].used = 0;
	restore_signals(&old);
}

static void put_str(const char *s)
{
	size_t n = strlen(s);
	while (n > 0) {
		ssize_t w = write(STDERR_FILENO, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void on_signal(int sig)
{
	for (int i = 0; i < FSX_SLOTS; i++) {
		if (!slots[i].used)
			continue;
		if (slots[i].dirfd >= 0) {
			for (const char *const *n = slots[i].names; n && *n; n++)
				unlinkat(slots[i].dirfd, *n, 0);
			rmdir(slots[i].path);
		} else {
			unlink(slots[i].path);
		}
	}
	put_str(signal_prog);
	put_str(sig == SIGINT ? ": interrupted (SIGINT)" : ": terminated (SIGTERM)");
	put_str("; unfinished outputs removed\n");
	_exit(FSX_EXIT_SIGNAL + sig);
}

void rs_fsx_catch_signals(const char *prog)
{
	signal_prog = prog;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	int sigs[] = {SIGINT, SIGTERM};
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		struct sigaction old;
		/* an ignored signal stays ignored (nohup, a background job) */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
	}
}

rs_status rs_fsx_mkdir_p(const char *dir, rs_error *err)
{
	char buf[FSX_PATH_MAX];
	if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf)
		return rs_fail(err, RS_ERR_IO, "%s: path too long", dir);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, FSX_DIR_MODE) != 0 && errno != EEXIST)
			return rs_fail(err, RS_ERR_IO, "%s: cannot create folder: %s", buf,
			               strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, FSX_DIR_MODE) != 0 && errno != EEXIST)
		return rs_fail(err, RS_ERR_IO, "%s: cannot create folder: %s", buf,
		               strerror(errno));
	struct stat st;
	if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
		return rs_fail(err, RS_ERR_IO, "%s: not a folder", buf);
	return RS_OK;
}

/* Remove a staging folder (files only) left by a process that died. */
static void remove_stale(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	const size_t plen = strlen(RS_FSX_STAGE_PREFIX);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, RS_FSX_STAGE_PREFIX, plen) != 0)
			continue;
		char sub[FSX_PATH_MAX];
		if (snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name) >= (int)sizeof sub)
			continue;
		DIR *s = opendir(sub);
		if (s) {
			struct dirent *f;
			while ((f = readdir(s)) != NULL) {
				char p[FSX_PATH_MAX + 256];
				snprintf(p, sizeof p, "%s/%s", sub, f->d_name);
				if (strcmp(f->d_name, ".") && strcmp(f->d_name, ".."))
					unlink(p);
			}
			closedir(s);
		}
		rmdir(sub);
	}
	closedir(d);
}

rs_status rs_stage_open(const char *dir, const char *const *names, rs_stage **out, rs_error *err)
{
	*out = NULL;
	rs_status st = rs_fsx_mkdir_p(dir, err);
	if (st != RS_OK)
		return st;
	rs_stage *s = rs_calloc(1, sizeof *s);
	if (!s)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	s->dir_fd = s->stage_fd = s->slot = -1;
	s->names = names;
	if (snprintf(s->dir, sizeof s->dir, "%s", dir) >= (int)sizeof s->dir ||
	    snprintf(s->path, sizeof s->path, "%s/%sXXXXXX", dir, RS_FSX_STAGE_PREFIX) >=
	        (int)sizeof s->path) {
		free(s);
		return rs_fail(err, RS_ERR_IO, "%s: path too long", dir);
	}
	s->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dir_fd < 0) {
		st = rs_fail(err, RS_ERR_IO, "%s: cannot open folder: %s", dir, strerror(errno));
		rs_stage_free(s);
		return st;
	}
	if (flock(s->dir_fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			st =
			    rs_fail(err, RS_ERR_IO,
			            "%s: another ratesim run is writing into this folder; wait for "
			            "it to finish or choose another folder with -o",
			            dir);
		else
			st = rs_fail(err, RS_ERR_IO, "%s: cannot lock folder: %s", dir,
			             strerror(errno));
		rs_stage_free(s);
		return st;
	}
	remove_stale(dir);
	sigset_t old;
	block_signals(&old); /* the folder is registered as soon as it exists */
	bool made = mkdtemp(s->path) != NULL;
	int made_errno = errno;
	if (made)
		s->stage_fd = open(s->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->stage_fd >= 0)
		s->slot = register_slot(s->stage_fd, names, s->path);
	restore_signals(&old);
	if (!made || s->stage_fd < 0) {
		st = rs_fail(err, RS_ERR_IO, "%s: cannot create a staging folder: %s", dir,
		             strerror(made ? errno : made_errno));
		rs_stage_free(s);
		return st;
	}
	*out = s;
	return RS_OK;
}

const char *rs_stage_path(const rs_stage *s)
{
	return s->path;
}

const char *rs_stage_dir(const rs_stage *s)
{
	return s->dir;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the staging folder's files, sorted. OUT: *names (caller
 * frees each and the array), *n. */
static rs_status list_stage(const rs_stage *s, char ***names, size_t *n, rs_error *err)
{
	*names = NULL;
	*n = 0;
	DIR *d = opendir(s->path);
	if (!d)
		return rs_fail(err, RS_ERR_IO, "%s: cannot read staging folder: %s", s->path,
		               strerror(errno));
	size_t cap = 0;
	struct dirent *e;
	rs_status st = RS_OK;
	while (st == RS_OK && (e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (*n == cap) {
			size_t nc = cap ? 2 * cap : 16;
			char **g = rs_realloc_array(*names, nc, sizeof *g);
			if (!g) {
				st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
				break;
			}
			*names = g;
			cap = nc;
		}
		char *copy = strdup(e->d_name);
		if (!copy)
			st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
		else
			(*names)[(*n)++] = copy;
	}
	closedir(d);
	if (*n > 1)
		qsort(*names, *n, sizeof **names, cmp_str);
	return st;
}

static rs_status commit_locked(rs_stage *s, const char *marker, char **files, size_t n,
                               rs_error *err)
{
	if (unlinkat(s->dir_fd, marker, 0) != 0 && errno != ENOENT)
		return rs_fail(err, RS_ERR_IO, "%s/%s: cannot remove the earlier run's file: %s",
		               s->dir, marker, strerror(errno));
	for (const char *const *nm = s->names; nm && *nm; nm++) {
		if (faccessat(s->stage_fd, *nm, F_OK, 0) == 0)
			continue;
		if (unlinkat(s->dir_fd, *nm, 0) != 0 && errno != ENOENT)
			return rs_fail(err, RS_ERR_IO,
			               "%s/%s: cannot remove the earlier run's file: %s", s->dir,
			               *nm, strerror(errno));
	}
	bool have_marker = false;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(files[i], marker)) {
			have_marker = true;
			continue;
		}
		if (renameat(s->stage_fd, files[i], s->dir_fd, files[i]) != 0)
			return rs_fail(err, RS_ERR_IO, "%s/%s: cannot move into place: %s", s->dir,
			               files[i], strerror(errno));
	}
	if (!have_marker)
		return rs_fail(err, RS_ERR_IO, "%s/%s: missing from the staging folder", s->dir,
		               marker);
	if (renameat(s->stage_fd, marker, s->dir_fd, marker) != 0)
		return rs_fail(err, RS_ERR_IO, "%s/%s: cannot move into place: %s", s->dir, marker,
		               strerror(errno));
	return RS_OK;
}

rs_status rs_stage_commit(rs_stage *s, const char *marker, rs_error *err)
{
	char **files = NULL;
	size_t n = 0;
	rs_status st = list_stage(s, &files, &n, err);
	if (st == RS_OK) {
		sigset_t old;
		block_signals(&old);
		st = commit_locked(s, marker, files, n, err);
		if (st == RS_OK && rmdir(s->path) == 0) {
			s->committed = true;
			unregister_slot(s->slot);
			s->slot = -1;
		}
		restore_signals(&old);
	}
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	return st;
}

void rs_stage_free(rs_stage *s)
{
	if (!s)
		return;
	if (!s->committed && s->stage_fd >= 0) {
		char **files = NULL;
		size_t n = 0;
		list_stage(s, &files, &n, NULL);
		for (size_t i = 0; i < n; i++) {
			unlinkat(s->stage_fd, files[i], 0);
			free(files[i]);
		}
		free(files);
		rmdir(s->path);
	}
	unregister_slot(s->slot);
	if (s->stage_fd >= 0)
		close(s->stage_fd);
	if (s->dir_fd >= 0)
		close(s->dir_fd); /* releases the flock */
	free(s);
}

static mode_t file_mode(void)
{
	mode_t mask = umask(0);
	umask(mask);
	return FSX_FILE_MODE & ~mask;
}

rs_status rs_fsx_write_file(const char *dir, const char *name, const char *text, size_t len,
                            rs_error *err)
{
	char path[FSX_PATH_MAX], tmp[FSX_PATH_MAX];
	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path ||
	    snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, name) >= (int)sizeof tmp)
		return rs_fail(err, RS_ERR_IO, "%s/%s: path too long", dir, name);
	sigset_t old;
	block_signals(&old);
	int fd = mkstemp(tmp);
	int k = fd >= 0 ? register_slot(-1, NULL, tmp) : -1;
	restore_signals(&old);
	if (fd < 0)
		return rs_fail(err, RS_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
	int bad = 0;
	size_t done = 0;
	while (!bad && done < len) {
		ssize_t w = write(fd, text + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			bad = w < 0 ? errno : EIO;
		else
			done += (size_t)w;
	}
	if (!bad && fchmod(fd, file_mode()) != 0)
		bad = errno;
	if (close(fd) != 0 && !bad)
		bad = errno;
	if (!bad && rename(tmp, path) != 0)
		bad = errno;
	if (bad)
		unlink(tmp);
	unregister_slot(k);
	if (bad)
		return rs_fail(err, RS_ERR_IO, "%s: cannot write: %s", path, strerror(bad));
	return RS_OK;
}
