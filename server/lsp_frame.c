/*
 * lsp_frame.c — Content-Length framing of LSP messages.
 *
 * Bytes enter from a file descriptor through lsp_reader_fill (partial reads are fine) and
 * leave as whole message bodies from lsp_reader_next. Headers are ASCII "Name: value" lines
 * ended by CRLF (a bare LF is accepted too) and an empty line. A header block without a
 * valid Content-Length, a header line that is too long, or an unsupported charset is
 * reported as an error and the reader resynchronises on the next "Content-Length:" in the
 * stream; a body larger than max_body is reported and then discarded as it arrives, so a
 * huge message costs no memory and the stream stays in step. lsp_write_frame writes one
 * framed body to a descriptor.
 */
#include "lsp.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

enum { HEADER_LIMIT = 8192 };

static const char CL_NAME[] = "content-length:";

void lsp_reader_init(lsp_reader *r, int fd, size_t max_body) {
    memset(r, 0, sizeof *r);
    r->fd = fd;
    r->max_body = max_body;
}

void lsp_reader_free(lsp_reader *r) {
    free(r->buf);
    memset(r, 0, sizeof *r);
}

/* Drops consumed bytes when they make up most of the buffer. */
static void compact(lsp_reader *r) {
    if (r->pos == 0) return;
    if (r->pos == r->len) {
        r->pos = r->len = 0;
        return;
    }
    if (r->pos > r->len / 2 || r->pos > (1u << 20)) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->len -= r->pos;
        r->pos = 0;
    }
}

/* Discards bytes of a refused body that are already buffered. */
static void skip_buffered(lsp_reader *r) {
    size_t avail = r->len - r->pos;
    if (r->skipping == 0 || avail == 0) return;
    size_t n = r->skipping < avail ? (size_t)r->skipping : avail;
    r->pos += n;
    r->skipping -= n;
}

int lsp_reader_fill(lsp_reader *r, int timeout_ms) {
    if (r->eof) return -1;
    struct pollfd p = {.fd = r->fd, .events = POLLIN};
    int pr;
    do pr = poll(&p, 1, timeout_ms);
    while (pr < 0 && errno == EINTR);
    if (pr == 0) return 0;
    if (pr < 0) {
        r->eof = true;
        return -1;
    }
    compact(r);
    if (r->cap - r->len < 65536) {
        size_t ncap = r->cap ? r->cap * 2 : 131072;
        while (ncap - r->len < 65536) ncap *= 2;
        r->buf = fl_xrealloc(r->buf, ncap);
        r->cap = ncap;
    }
    ssize_t n;
    do n = read(r->fd, r->buf + r->len, r->cap - r->len);
    while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
    if (n <= 0) {
        r->eof = true;
        return -1;
    }
    r->len += (size_t)n;
    skip_buffered(r);
    /* A refused body that is being skipped must not keep the buffer growing. */
    if (r->pos == r->len) r->pos = r->len = 0;
    return 1;
}

static int lower(int c) {
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* Position of the next "Content-Length:" at or after `from`, or (size_t)-1. */
static size_t find_content_length(const lsp_reader *r, size_t from) {
    size_t n = sizeof CL_NAME - 1;
    for (size_t i = from; i + n <= r->len; i++) {
        size_t k = 0;
        while (k < n && lower((unsigned char)r->buf[i + k]) == CL_NAME[k]) k++;
        if (k == n) return i;
    }
    return (size_t)-1;
}

/* After a bad header: skip to the next "Content-Length:" after the current position, or
 * keep only the longest tail that could be the start of one. */
static void resync(lsp_reader *r) {
    size_t at = find_content_length(r, r->pos + 1);
    if (at != (size_t)-1) {
        r->pos = at;
        return;
    }
    size_t n = sizeof CL_NAME - 1;
    size_t keep = r->len - r->pos < n - 1 ? r->len - r->pos : n - 1;
    for (; keep > 0; keep--) {
        size_t k = 0;
        const char *t = r->buf + r->len - keep;
        while (k < keep && lower((unsigned char)t[k]) == CL_NAME[k]) k++;
        if (k == keep) break;
    }
    r->pos = r->len - keep;
}

static enum lsp_frame_status fail(lsp_reader *r, int *code, char *problem, size_t psize, int c,
                                  const char *what) {
    *code = c;
    snprintf(problem, psize, "%s", what);
    resync(r);
    return LSP_FRAME_ERROR;
}

/* Trims ASCII blanks in place on [*s, *e). */
static void trim(const char **s, const char **e) {
    while (*s < *e && (**s == ' ' || **s == '\t')) (*s)++;
    while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r')) (*e)--;
}

enum lsp_frame_status lsp_reader_next(lsp_reader *r, fl_buf *body, int *code, char *problem,
                                      size_t psize) {
    skip_buffered(r);
    for (;;) {
        if (r->skipping) return r->eof ? LSP_FRAME_EOF : LSP_FRAME_NEED_MORE;
        /* Blank lines between messages are tolerated. */
        while (r->pos < r->len && (r->buf[r->pos] == '\r' || r->buf[r->pos] == '\n')) r->pos++;
        if (r->pos >= r->len) return r->eof ? LSP_FRAME_EOF : LSP_FRAME_NEED_MORE;

        /* Find the end of the header block: an empty line. */
        const char *start = r->buf + r->pos;
        size_t avail = r->len - r->pos;
        size_t hdr_end = (size_t)-1, body_start = 0;
        for (size_t i = 0; i < avail; i++) {
            if (start[i] != '\n') continue;
            if (i + 1 < avail && start[i + 1] == '\n') {
                hdr_end = i;
                body_start = i + 2;
                break;
            }
            if (i + 2 < avail && start[i + 1] == '\r' && start[i + 2] == '\n') {
                hdr_end = i;
                body_start = i + 3;
                break;
            }
        }
        if (hdr_end == (size_t)-1) {
            if (avail > HEADER_LIMIT)
                return fail(r, code, problem, psize, LSP_PARSE_ERROR,
                            "malformed message header: no empty line within 8192 bytes");
            if (r->eof) {
                r->pos = r->len;
                return LSP_FRAME_EOF;
            }
            return LSP_FRAME_NEED_MORE;
        }

        /* Parse the header lines. */
        long long length = -1;
        bool bad_length = false, bad_line = false, bad_charset = false;
        const char *p = start, *end = start + hdr_end;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *le = nl ? nl : end;
            const char *colon = memchr(p, ':', (size_t)(le - p));
            if (!colon) {
                bad_line = true;
                break;
            }
            const char *ns = p, *ne = colon, *vs = colon + 1, *ve = le;
            trim(&ns, &ne);
            trim(&vs, &ve);
            size_t nlen = (size_t)(ne - ns);
            if (nlen == 14 && strncasecmp(ns, "content-length", 14) == 0) {
                long long v = 0;
                bool ok = vs < ve && (ve - vs) <= 18;
                for (const char *q = vs; ok && q < ve; q++) {
                    if (*q < '0' || *q > '9')
                        ok = false;
                    else
                        v = v * 10 + (*q - '0');
                }
                if (!ok)
                    bad_length = true;
                else
                    length = v;
            } else if (nlen == 12 && strncasecmp(ns, "content-type", 12) == 0) {
                /* Only UTF-8 ("utf-8", or the older "utf8") bodies are understood. */
                const char *cs = NULL;
                for (const char *q = vs; q + 8 <= ve; q++)
                    if (strncasecmp(q, "charset=", 8) == 0) {
                        cs = q + 8;
                        break;
                    }
                if (cs) {
                    size_t cl = (size_t)(ve - cs);
                    const char *ce = memchr(cs, ';', cl);
                    if (ce) cl = (size_t)(ce - cs);
                    while (cl && (cs[cl - 1] == ' ' || cs[cl - 1] == '"')) cl--;
                    if (cl && *cs == '"') cs++, cl--;
                    if (!((cl == 5 && strncasecmp(cs, "utf-8", 5) == 0) ||
                          (cl == 4 && strncasecmp(cs, "utf8", 4) == 0)))
                        bad_charset = true;
                }
            }
            p = nl ? nl + 1 : end;
        }
        if (bad_line)
            return fail(r, code, problem, psize, LSP_PARSE_ERROR,
                        "malformed message header: a header line is not 'Name: value'");
        if (bad_length)
            return fail(r, code, problem, psize, LSP_PARSE_ERROR,
                        "malformed message header: Content-Length is not a decimal number");
        if (length < 0)
            return fail(r, code, problem, psize, LSP_PARSE_ERROR,
                        "malformed message header: no Content-Length");

        r->pos += body_start;
        if (bad_charset || (uint64_t)length > r->max_body) {
            r->skipping = (uint64_t)length;
            skip_buffered(r);
            *code = bad_charset ? LSP_PARSE_ERROR : LSP_INVALID_REQUEST;
            if (bad_charset)
                snprintf(problem, psize,
                         "unsupported Content-Type charset: only utf-8 is understood");
            else
                snprintf(problem, psize, "message of %lld bytes refused: the limit is %zu bytes",
                         length, r->max_body);
            return LSP_FRAME_ERROR;
        }
        if (r->len - r->pos < (size_t)length) {
            /* Wait for the rest of the body; leave the header to be parsed again. */
            r->pos -= body_start;
            if (r->eof) {
                r->pos = r->len;
                return LSP_FRAME_EOF;
            }
            /* Make room once, so the body can arrive in one buffer. */
            size_t need = body_start + (size_t)length;
            if (r->cap - r->pos < need + 65536) {
                compact(r);
                if (r->pos) {
                    memmove(r->buf, r->buf + r->pos, r->len - r->pos);
                    r->len -= r->pos;
                    r->pos = 0;
                }
                if (r->cap < need + 65536) {
                    r->buf = fl_xrealloc(r->buf, need + 65536);
                    r->cap = need + 65536;
                }
            }
            return LSP_FRAME_NEED_MORE;
        }
        fl_buf_reset(body);
        fl_buf_append(body, r->buf + r->pos, (size_t)length);
        r->pos += (size_t)length;
        return LSP_FRAME_MESSAGE;
    }
}

int lsp_write_frame(int fd, const char *body, size_t len) {
    char hdr[64];
    int hn = snprintf(hdr, sizeof hdr, "Content-Length: %zu\r\n\r\n", len);
    const char *parts[2] = {hdr, body};
    size_t lens[2] = {(size_t)hn, len};
    for (int i = 0; i < 2; i++) {
        size_t off = 0;
        while (off < lens[i]) {
            ssize_t n = write(fd, parts[i] + off, lens[i] - off);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                struct pollfd p = {.fd = fd, .events = POLLOUT};
                poll(&p, 1, 1000);
                continue;
            }
            if (n <= 0) return -1;
            off += (size_t)n;
        }
    }
    return 0;
}
