/*
 * textio.c - whole-file reads and atomic writes (textio.h).
 */
#include "ratesim/textio.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEXT_CHUNK 65536
#define TEXT_NUM   32 /* bytes of ".tmp." and a pid */

char *rs_text_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (cap - len < TEXT_CHUNK + 1) {
			char *nb = realloc(buf, cap + TEXT_CHUNK + 1);
			if (!nb) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
			cap += TEXT_CHUNK + 1;
		}
		size_t got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0)
			break;
	}
	int e = errno;
	bool bad = ferror(f) != 0;
	fclose(f);
	if (bad) {
		free(buf);
		errno = e;
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

char *rs_text_format(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

char *rs_text_join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s/%s", a, b);
	return s;
}

rs_status rs_text_open(rs_text_out *o, const char *path, rs_error *err)
{
	*o = (rs_text_out){0};
	size_t n = strlen(path) + TEXT_NUM;
	o->path = malloc(strlen(path) + 1);
	o->tmp = malloc(n);
	if (!o->path || !o->tmp) {
		rs_text_abandon(o);
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}
	memcpy(o->path, path, strlen(path) + 1);
	snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)getpid());
	o->f = fopen(o->tmp, "w");
	if (!o->f) {
		rs_status st =
		    rs_fail(err, RS_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
		rs_text_abandon(o);
		return st;
	}
	return RS_OK;
}

void rs_text_abandon(rs_text_out *o)
{
	if (o->f)
		fclose(o->f);
	if (o->tmp)
		unlink(o->tmp);
	free(o->path);
	free(o->tmp);
	*o = (rs_text_out){0};
}

rs_status rs_text_close(rs_text_out *o, rs_error *err)
{
	bool bad = ferror(o->f) != 0;
	int e = errno;
	if (fclose(o->f) != 0 && !bad) {
		bad = true;
		e = errno;
	}
	o->f = NULL;
	rs_status st = RS_OK;
	if (bad)
		st = rs_fail(err, RS_ERR_IO, "%s: cannot write: %s", o->path, strerror(e));
	else if (rename(o->tmp, o->path) != 0)
		st = rs_fail(err, RS_ERR_IO, "%s: cannot rename into place: %s", o->path,
		             strerror(errno));
	rs_text_abandon(o); /* the temporary is gone after a rename: unlink is harmless */
	return st;
}

rs_status rs_text_write(const char *path, const char *text, rs_error *err)
{
	rs_text_out o;
	rs_status st = rs_text_open(&o, path, err);
	if (st != RS_OK)
		return st;
	fputs(text, o.f);
	return rs_text_close(&o, err);
}

bool rs_text_csv_needs_quotes(const char *s)
{
	return strpbrk(s, ",\"\r\n") != NULL;
}

size_t rs_text_csv_quote(char *dst, const char *s)
{
	size_t n = 0;
	dst[n++] = '"';
	for (; *s; s++) {
		if (*s == '"')
			dst[n++] = '"';
		dst[n++] = *s;
	}
	dst[n++] = '"';
	return n;
}

void rs_text_put_csv(FILE *f, const char *s)
{
	if (!rs_text_csv_needs_quotes(s)) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void rs_text_put_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.10g", v);
}

void rs_text_add(rs_text_buf *b, const char *s, size_t n)
{
	if (b->nomem)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : TEXT_CHUNK / 16;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->s, cap);
		if (!p) {
			b->nomem = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void rs_text_puts(rs_text_buf *b, const char *s)
{
	rs_text_add(b, s, strlen(s));
}

void rs_text_printf(rs_text_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->nomem = true;
		return;
	}
	char *tmp = malloc((size_t)n + 1);
	if (!tmp) {
		b->nomem = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(tmp, (size_t)n + 1, fmt, ap);
	va_end(ap);
	rs_text_add(b, tmp, (size_t)n);
	free(tmp);
}
