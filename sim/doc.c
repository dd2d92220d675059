/*
 * doc.c - one report description, two documents (doc.h).
 *
 * Each call appends to both texts at once.  Markdown escapes the
 * characters that start emphasis, code, links or table cells; HTML
 * escapes & < > ".  Images go into the HTML as data: URIs, so the page
 * needs no other file; the Markdown links NAME.png beside it.
 */
#include "ratesim/doc.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ratesim/textio.h"

#define DOC_IMG_CHUNK 65536

static const char html_style[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;"
    "margin:2em auto;padding:0 1em;color:#1a1a1a;line-height:1.45}"
    "h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;margin:1em 0}"
    "th,td{border:1px solid #bbb;padding:.35em .7em}td{text-align:right}"
    "td:first-child,th:first-child{text-align:left}th{background:#f0f0f0}"
    "figure{margin:1.5em 0}img{width:100%;height:auto;border:1px solid #ddd}"
    "figcaption{color:#444;margin-top:.3em}code{background:#f4f4f4;padding:0 .2em}";

struct rs_doc {
	char *dir;
	rs_text_buf md, html;
	bool in_list;
};

static void md_text(rs_text_buf *b, const char *s)
{
	for (; *s; s++) {
		if (strchr("|*_`[]<>\\#", *s))
			rs_text_add(b, "\\", 1);
		rs_text_add(b, *s == '\n' || *s == '\r' ? " " : s, 1);
	}
}

static void html_text(rs_text_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			rs_text_puts(b, "&amp;");
			break;
		case '<':
			rs_text_puts(b, "&lt;");
			break;
		case '>':
			rs_text_puts(b, "&gt;");
			break;
		case '"':
			rs_text_puts(b, "&quot;");
			break;
		default:
			rs_text_add(b, s, 1);
		}
	}
}

static void base64(rs_text_buf *b, const unsigned char *p, size_t n)
{
	static const char digits[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		char q[4] = {digits[(v >> 18) & 63], digits[(v >> 12) & 63],
		             i + 1 < n ? digits[(v >> 6) & 63] : '=',
		             i + 2 < n ? digits[v & 63] : '='};
		rs_text_add(b, q, 4);
	}
}

rs_doc *rs_doc_new(const char *dir, const char *title)
{
	rs_doc *d = rs_calloc(1, sizeof *d);
	if (!d)
		return NULL;
	size_t n = strlen(dir) + 1;
	if (!(d->dir = malloc(n))) {
		free(d);
		return NULL;
	}
	memcpy(d->dir, dir, n);
	rs_text_puts(&d->md, "# ");
	md_text(&d->md, title);
	rs_text_puts(&d->md, "\n");
	rs_text_puts(&d->html,
	             "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	             "<meta name=\"viewport\" content=\"width=device-width, "
	             "initial-scale=1\">\n<title>");
	html_text(&d->html, title);
	rs_text_printf(&d->html, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", html_style);
	html_text(&d->html, title);
	rs_text_puts(&d->html, "</h1>\n");
	return d;
}

void rs_doc_free(rs_doc *d)
{
	if (!d)
		return;
	free(d->dir);
	free(d->md.s);
	free(d->html.s);
	free(d);
}

static void end_list(rs_doc *d)
{
	if (!d->in_list)
		return;
	rs_text_puts(&d->html, "</ul>\n");
	d->in_list = false;
}

void rs_doc_h2(rs_doc *d, const char *text)
{
	end_list(d);
	rs_text_puts(&d->md, "\n## ");
	md_text(&d->md, text);
	rs_text_puts(&d->md, "\n");
	rs_text_puts(&d->html, "<h2>");
	html_text(&d->html, text);
	rs_text_puts(&d->html, "</h2>\n");
}

void rs_doc_para(rs_doc *d, const char *text)
{
	end_list(d);
	rs_text_puts(&d->md, "\n");
	md_text(&d->md, text);
	rs_text_puts(&d->md, "\n");
	rs_text_puts(&d->html, "<p>");
	html_text(&d->html, text);
	rs_text_puts(&d->html, "</p>\n");
}

void rs_doc_item(rs_doc *d, const char *lead, const char *text)
{
	if (!d->in_list) {
		rs_text_puts(&d->md, "\n");
		rs_text_puts(&d->html, "<ul>\n");
		d->in_list = true;
	}
	rs_text_puts(&d->md, "- ");
	rs_text_puts(&d->html, "<li>");
	if (lead) {
		rs_text_puts(&d->md, "**");
		md_text(&d->md, lead);
		rs_text_puts(&d->md, "**: ");
		rs_text_puts(&d->html, "<strong>");
		html_text(&d->html, lead);
		rs_text_puts(&d->html, "</strong>: ");
	}
	md_text(&d->md, text);
	rs_text_puts(&d->md, "\n");
	html_text(&d->html, text);
	rs_text_puts(&d->html, "</li>\n");
}

void rs_doc_table(rs_doc *d, const char *const *head, size_t n)
{
	end_list(d);
	rs_text_puts(&d->md, "\n|");
	rs_text_puts(&d->html, "<table>\n<tr>");
	for (size_t i = 0; i < n; i++) {
		rs_text_puts(&d->md, " ");
		md_text(&d->md, head[i]);
		rs_text_puts(&d->md, " |");
		rs_text_puts(&d->html, "<th>");
		html_text(&d->html, head[i]);
		rs_text_puts(&d->html, "</th>");
	}
	rs_text_puts(&d->md, "\n|");
	for (size_t i = 0; i < n; i++)
		rs_text_puts(&d->md, i ? "---:|" : "---|");
	rs_text_puts(&d->md, "\n");
	rs_text_puts(&d->html, "</tr>\n");
}

void rs_doc_row(rs_doc *d, const char *const *cells, size_t n)
{
	rs_text_puts(&d->md, "|");
	rs_text_puts(&d->html, "<tr>");
	for (size_t i = 0; i < n; i++) {
		rs_text_puts(&d->md, " ");
		md_text(&d->md, cells[i]);
		rs_text_puts(&d->md, " |");
		rs_text_puts(&d->html, "<td>");
		html_text(&d->html, cells[i]);
		rs_text_puts(&d->html, "</td>");
	}
	rs_text_puts(&d->md, "\n");
	rs_text_puts(&d->html, "</tr>\n");
}

void rs_doc_table_end(rs_doc *d)
{
	rs_text_puts(&d->html, "</table>\n");
}

/* Append dir/file as base64 to b; false when it cannot be read. */
static bool embed(rs_text_buf *b, const char *dir, const char *file)
{
	char *p = rs_text_join(dir, file);
	FILE *f = p ? fopen(p, "rb") : NULL;
	free(p);
	if (!f)
		return false;
	size_t cap = DOC_IMG_CHUNK, n = 0, got;
	unsigned char *buf = malloc(cap);
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			unsigned char *q = realloc(buf, 2 * cap);
			if (!q) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = q;
			cap *= 2;
		}
	}
	bool ok = buf && !ferror(f) && n > 0;
	fclose(f);
	if (ok)
		base64(b, buf, n);
	free(buf);
	return ok;
}

int rs_doc_figure(rs_doc *d, const char *name, const char *caption)
{
	static const struct {
		const char *ext, *mime;
	} kinds[] = {{"svg", "image/svg+xml"}, {"png", "image/png"}};
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		char file[256];
		snprintf(file, sizeof file, "%s.%s", name, kinds[k].ext);
		char *p = rs_text_join(d->dir, file);
		FILE *f = p ? fopen(p, "rb") : NULL;
		free(p);
		if (!f)
			continue;
		fclose(f);
		end_list(d);
		rs_text_buf img = {0};
		if (!embed(&img, d->dir, file)) {
			free(img.s);
			continue;
		}
		rs_text_printf(&d->html, "<figure>\n<img alt=\"%s\" src=\"data:%s;base64,", name,
		               kinds[k].mime);
		rs_text_add(&d->html, img.s, img.len);
		d->html.nomem = d->html.nomem || img.nomem;
		free(img.s);
		rs_text_puts(&d->html, "\">\n<figcaption>");
		html_text(&d->html, caption);
		rs_text_puts(&d->html, "</figcaption>\n</figure>\n");
		rs_text_puts(&d->md, "\n");
		md_text(&d->md, caption);
		rs_text_printf(&d->md, "\n\n![%s](%s.png)\n", name, name);
		return 1;
	}
	return 0;
}

rs_status rs_doc_write(rs_doc *d, const char *name, rs_error *err)
{
	end_list(d);
	rs_text_puts(&d->html, "</body>\n</html>\n");
	if (d->md.nomem || d->html.nomem || !d->md.s || !d->html.s)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory writing %s/%s", d->dir, name);
	char file[256];
	snprintf(file, sizeof file, "%s.md", name);
	char *p = rs_text_join(d->dir, file);
	rs_status st =
	    p ? rs_text_write(p, d->md.s, err) : rs_fail(err, RS_ERR_NOMEM, "out of memory");
	free(p);
	if (st != RS_OK)
		return st;
	snprintf(file, sizeof file, "%s.html", name);
	p = rs_text_join(d->dir, file);
	st = p ? rs_text_write(p, d->html.s, err) : rs_fail(err, RS_ERR_NOMEM, "out of memory");
	free(p);
	return st;
}
