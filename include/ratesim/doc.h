/*
 * doc.h - a report written twice from one description: DIR/NAME.md
 * (Markdown, linking the PNG charts beside it) and DIR/NAME.html (one
 * self-contained page: the charts embedded as base64 SVG, else PNG).
 *
 * The comparison, sweep and sizing reports describe their content once, as
 * headings, paragraphs, bullet items, tables and figures; this room knows
 * how each looks in Markdown and in HTML and escapes text for both, so a
 * scenario name with `|`, `*` or `<` cannot break either document.
 *
 * Cost: the documents are built in memory (a few hundred KB with the
 * embedded charts) and written atomically (textio.h).
 */
#ifndef RATESIM_DOC_H
#define RATESIM_DOC_H

#include <stddef.h>

#include "ratesim/common.h"

typedef struct rs_doc rs_doc;

/* A new document titled `title` whose figures are files in dir; NULL on
 * no memory. */
rs_doc *rs_doc_new(const char *dir, const char *title);
void rs_doc_free(rs_doc *d);

void rs_doc_h2(rs_doc *d, const char *text);
/* A paragraph of plain text (escaped). */
void rs_doc_para(rs_doc *d, const char *text);
/* A bullet item: a bold lead (may be NULL) and plain text. */
void rs_doc_item(rs_doc *d, const char *lead, const char *text);
/* A table: n columns, the first left-aligned, the others right-aligned. */
void rs_doc_table(rs_doc *d, const char *const *head, size_t n);
void rs_doc_row(rs_doc *d, const char *const *cells, size_t n);
void rs_doc_table_end(rs_doc *d);
/* The chart NAME (NAME.svg or NAME.png in dir) with a caption; a chart
 * that was not drawn is left out.  Returns whether it was there. */
int rs_doc_figure(rs_doc *d, const char *name, const char *caption);

/* Write dir/NAME.md and dir/NAME.html.  Errors: RS_ERR_IO, RS_ERR_NOMEM. */
rs_status rs_doc_write(rs_doc *d, const char *name, rs_error *err);

#endif
