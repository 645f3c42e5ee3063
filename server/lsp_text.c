/*
 * lsp_text.c — a document's text, its line table, and conversion between byte offsets and
 * LSP positions (line + character counted in UTF-16 code units, UTF-8 bytes or code points).
 *
 * Text enters with lsp_text_init and changes with lsp_text_replace (which also fills the
 * tree-sitter edit for the change); positions leave from lsp_text_position and offsets from
 * lsp_text_offset. Lines end at "\n", "\r\n" or "\r". Out-of-range positions are clamped the
 * way LSP asks: a character past the end of a line is the end of that line, a line past the
 * end of the text is the end of the text. Invalid UTF-8 bytes count as one unit each.
 */
#include "lsp.h"

#include <string.h>

static void push_line(lsp_text *t, uint32_t off) {
    if (t->nlines == t->lines_cap) {
        t->lines_cap = t->lines_cap ? t->lines_cap * 2 : 256;
        t->lines = fl_xrealloc(t->lines, t->lines_cap * sizeof *t->lines);
    }
    t->lines[t->nlines++] = off;
}

/* Rebuilds the line table from line `from` on (lines before it are unchanged). */
static void index_lines(lsp_text *t, uint32_t from) {
    if (from >= t->nlines) from = t->nlines ? t->nlines - 1 : 0;
    t->nlines = from;
    const char *s = t->buf.data ? t->buf.data : "";
    uint32_t len = (uint32_t)t->buf.len;
    uint32_t i = from ? t->lines[from] : 0;
    push_line(t, i);
    while (i < len) {
        char c = s[i++];
        if (c == '\n') {
            push_line(t, i);
        } else if (c == '\r') {
            if (i < len && s[i] == '\n') i++;
            push_line(t, i);
        }
    }
}

void lsp_text_init(lsp_text *t, const char *data, size_t len) {
    memset(t, 0, sizeof *t);
    fl_buf_append(&t->buf, data ? data : "", data ? len : 0);
    index_lines(t, 0);
}

void lsp_text_free(lsp_text *t) {
    fl_buf_free(&t->buf);
    free(t->lines);
    memset(t, 0, sizeof *t);
}

static uint32_t line_end(const lsp_text *t, uint32_t line) {
    uint32_t end = line + 1 < t->nlines ? t->lines[line + 1] : (uint32_t)t->buf.len;
    const char *s = t->buf.data;
    if (end > t->lines[line] && s[end - 1] == '\n') end--;
    if (end > t->lines[line] && s[end - 1] == '\r') end--;
    return end;
}

uint32_t lsp_text_line_length(const lsp_text *t, uint32_t line) {
    if (line >= t->nlines) return 0;
    return line_end(t, line) - t->lines[line];
}

/* Length in bytes of the UTF-8 sequence at s (1 for an invalid byte). */
static uint32_t seq_len(const unsigned char *s, uint32_t avail) {
    unsigned c = s[0];
    uint32_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (n > avail) return 1;
    for (uint32_t k = 1; k < n; k++)
        if ((s[k] & 0xC0) != 0x80) return 1;
    return n;
}

static uint32_t units(uint32_t nbytes, enum lsp_encoding enc) {
    if (enc == LSP_ENC_UTF8) return nbytes;
    if (enc == LSP_ENC_UTF32) return 1;
    return nbytes == 4 ? 2 : 1;
}

uint32_t lsp_text_offset(const lsp_text *t, lsp_pos p, enum lsp_encoding enc) {
    if (p.line >= t->nlines) return (uint32_t)t->buf.len;
    uint32_t off = t->lines[p.line], end = line_end(t, p.line);
    const unsigned char *s = (const unsigned char *)t->buf.data;
    if (enc == LSP_ENC_UTF8) {
        uint32_t o = off + p.character;
        if (o > end || o < off) return end;
        /* Never split a UTF-8 sequence: move back to its first byte. */
        while (o > off && o < end && (s[o] & 0xC0) == 0x80) o--;
        return o;
    }
    uint32_t counted = 0;
    while (off < end && counted < p.character) {
        uint32_t n = seq_len(s + off, end - off);
        uint32_t u = units(n, enc);
        if (counted + u > p.character) break; /* inside a surrogate pair: stay before it */
        counted += u;
        off += n;
    }
    return off;
}

TSPoint lsp_text_point(const lsp_text *t, uint32_t offset) {
    if (offset > t->buf.len) offset = (uint32_t)t->buf.len;
    uint32_t lo = 0, hi = t->nlines - 1;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo + 1) / 2;
        if (t->lines[mid] <= offset)
            lo = mid;
        else
            hi = mid - 1;
    }
    return (TSPoint){lo, offset - t->lines[lo]};
}

lsp_pos lsp_text_position(const lsp_text *t, uint32_t offset, enum lsp_encoding enc) {
    TSPoint pt = lsp_text_point(t, offset);
    uint32_t off = t->lines[pt.row], end = line_end(t, pt.row);
    if (offset > end) offset = end;
    const unsigned char *s = (const unsigned char *)t->buf.data;
    if (enc == LSP_ENC_UTF8) {
        while (offset > off && offset < end && (s[offset] & 0xC0) == 0x80) offset--;
        return (lsp_pos){pt.row, offset - off};
    }
    uint32_t counted = 0;
    while (off < offset) {
        uint32_t n = seq_len(s + off, end - off);
        if (off + n > offset) break;
        counted += units(n, enc);
        off += n;
    }
    return (lsp_pos){pt.row, counted};
}

uint32_t lsp_text_offset_of_point(const lsp_text *t, uint32_t row, uint32_t column) {
    if (row >= t->nlines) return (uint32_t)t->buf.len;
    uint32_t off = t->lines[row], end = line_end(t, row);
    return column > end - off ? end : off + column;
}

void lsp_text_replace(lsp_text *t, uint32_t start, uint32_t end, const char *ins, size_t n,
                      TSInputEdit *edit) {
    uint32_t len = (uint32_t)t->buf.len;
    if (start > len) start = len;
    if (end > len) end = len;
    if (end < start) end = start;
    TSPoint sp = lsp_text_point(t, start), ep = lsp_text_point(t, end);
    uint32_t first_line = sp.row;
    /* A "\r" just before the change may join a "\n" inserted at its start: reindex from the
     * line before. */
    if (first_line > 0) first_line--;

    size_t tail = len - end;
    if (n > end - start) fl_buf_reserve(&t->buf, n - (end - start));
    char *s = t->buf.data;
    memmove(s + start + n, s + end, tail);
    memcpy(s + start, ins, n);
    t->buf.len = start + n + tail;
    s[t->buf.len] = '\0';
    index_lines(t, first_line);

    if (edit) {
        uint32_t new_end = start + (uint32_t)n;
        edit->start_byte = start;
        edit->old_end_byte = end;
        edit->new_end_byte = new_end;
        edit->start_point = sp;
        edit->old_end_point = ep;
        edit->new_end_point = lsp_text_point(t, new_end);
    }
}
