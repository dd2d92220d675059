/*
 * test_fsx.c - the output folder's lock, staging and commit (sim/fsx.c,
 * docs/outputs.md "What a reader may assume of a folder").
 *
 * Each test works in a fresh folder under /tmp.  flock(2) locks belong to
 * an open file description, so a second rs_stage_open in this same process
 * sees the first one's lock exactly as another process would.
 */
#include "harness.h"
#include "ratesim/fsx.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#define PATH_LEN 512

static const char *const names[] = {"summary.json", "data.csv", "old.csv", NULL};

static void make_dir(char *dir)
{
	strcpy(dir, "/tmp/ratesim_fsx_XXXXXX");
	if (!mkdtemp(dir))
		TH_FAIL("mkdtemp failed");
}

static void put(const char *dir, const char *name, const char *text)
{
	char p[PATH_LEN];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	if (!f) {
		TH_FAIL("cannot write %s", p);
		return;
	}
	fputs(text, f);
	fclose(f);
}

static bool has(const char *dir, const char *name)
{
	char p[PATH_LEN];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

static size_t entries(const char *dir)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

static void cleanup(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		char p[PATH_LEN];
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* A commit brings the staged files in, removes a known file of the earlier
 * run that this one did not write, and leaves other files alone. */
static void test_commit(void)
{
	char dir[64];
	make_dir(dir);
	put(dir, "summary.json", "old");
	put(dir, "old.csv", "old");
	put(dir, "notes.txt", "the user's");
	rs_stage *s = NULL;
	rs_error err = {0};
	CHECK_I64(rs_stage_open(dir, names, &s, &err), RS_OK);
	if (!s)
		return;
	put(rs_stage_path(s), "data.csv", "new");
	put(rs_stage_path(s), "summary.json", "new");
	CHECK(has(dir, "old.csv")); /* nothing changes before the commit */
	CHECK_I64(rs_stage_commit(s, "summary.json", &err), RS_OK);
	rs_stage_free(s);
	CHECK(has(dir, "data.csv") && has(dir, "summary.json") && has(dir, "notes.txt"));
	CHECK(!has(dir, "old.csv"));
	CHECK_I64(entries(dir), 3); /* no staging folder left */
	cleanup(dir);
}

/* A second stage on a locked folder refuses, naming it; a stage freed
 * without commit leaves the folder as it was. */
static void test_lock_and_abort(void)
{
	char dir[64], want[RS_ERROR_MAX];
	make_dir(dir);
	put(dir, "summary.json", "old");
	rs_stage *a = NULL, *b = NULL;
	rs_error err = {0};
	CHECK_I64(rs_stage_open(dir, names, &a, &err), RS_OK);
	CHECK_I64(rs_stage_open(dir, names, &b, &err), RS_ERR_IO);
	CHECK(b == NULL);
	snprintf(want, sizeof want,
	         "%s: another ratesim run is writing into this folder; wait for it to finish or "
	         "choose another folder with -o",
	         dir);
	CHECK_STR(err.msg, want);
	if (a)
		put(rs_stage_path(a), "data.csv", "new");
	rs_stage_free(a); /* no commit */
	CHECK_I64(entries(dir), 1);
	CHECK(has(dir, "summary.json") && !has(dir, "data.csv"));
	CHECK_I64(rs_stage_open(dir, names, &b, &err), RS_OK); /* the lock is gone */
	rs_stage_free(b);
	cleanup(dir);
}

/* A staging folder left by a killed run is removed by the next one. */
static void test_stale_staging(void)
{
	char dir[64], stale[PATH_LEN];
	make_dir(dir);
	snprintf(stale, sizeof stale, "%s/%sabc123", dir, RS_FSX_STAGE_PREFIX);
	CHECK(mkdir(stale, 0777) == 0);
	put(stale, "data.csv", "half");
	rs_stage *s = NULL;
	rs_error err = {0};
	CHECK_I64(rs_stage_open(dir, names, &s, &err), RS_OK);
	CHECK(access(stale, F_OK) != 0);
	rs_stage_free(s);
	CHECK_I64(entries(dir), 0);
	cleanup(dir);
}

/* One file through a unique temporary name; the mode follows the umask. */
static void test_write_file(void)
{
	char dir[64];
	make_dir(dir);
	rs_error err = {0};
	CHECK_I64(rs_fsx_write_file(dir, "r.html", "<p>", 3, &err), RS_OK);
	char p[PATH_LEN];
	snprintf(p, sizeof p, "%s/r.html", dir);
	struct stat st;
	CHECK(stat(p, &st) == 0 && st.st_size == 3);
	mode_t mask = umask(0);
	umask(mask);
	CHECK_I64(st.st_mode & 0777, 0666 & ~mask);
	CHECK_I64(entries(dir), 1);
	CHECK_I64(rs_fsx_write_file("/nonexistent/dir", "r.html", "x", 1, &err), RS_ERR_IO);
	CHECK(strstr(err.msg, "/nonexistent/dir/r.html: cannot write: ") == err.msg);
	cleanup(dir);
}

int main(void)
{
	RUN(test_commit);
	RUN(test_lock_and_abort);
	RUN(test_stale_staging);
	RUN(test_write_file);
	return th_done();
}
