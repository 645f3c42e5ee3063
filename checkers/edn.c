/*
 * edn.c — reads EDN forms into jansson JSON (mapping in history.h).
 *
 * Data in: the fl_edn cursor over a byte range. Data out: json_t forms; errors carry the
 * line and column and say what was expected. Nesting is limited to 256 levels.
 */
#include "edn.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define EDN_MAX_DEPTH 256

#define W (FL_EDN_WS | FL_EDN_DELIM)
#define D FL_EDN_DELIM
const unsigned char fl_edn_class[256] = {
    ['\t'] = W, ['\n'] = W, ['\f'] = W, ['\r'] = W, [' '] = W, [','] = W, ['('] = D,
    [')'] = D,  ['['] = D,  [']'] = D,  ['{'] = D,  ['}'] = D, ['"'] = D, [';'] = D,
};
#undef W
#undef D

void fl_edn_init(fl_edn *p, const char *name, const char *s, size_t len) {
    memset(p, 0, sizeof *p);
    p->name = name;
    p->s = s;
    p->len = len;
    p->line = 1;
}

static int col(const fl_edn *p) {
    return (int)(p->pos - p->line_start) + 1;
}

static void fail(fl_edn *p, fl_error *err, const char *what) {
    fl_error_set(err, p->name, p->line, col(p), "%s", what);
}

static json_t *read_form(fl_edn *p, fl_error *err, int depth);

static void advance(fl_edn *p) {
    if (p->s[p->pos] == '\n') {
        p->line++;
        p->line_start = p->pos + 1;
    }
    p->pos++;
}

static int skip_depth(fl_edn *p, fl_error *err, int depth) {
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (fl_edn_class[(unsigned char)c] & FL_EDN_WS) {
            advance(p);
        } else if (c == ';') {
            while (p->pos < p->len && p->s[p->pos] != '\n') p->pos++;
        } else if (c == '#' && p->pos + 1 < p->len && p->s[p->pos + 1] == '_') {
            p->pos += 2;
            json_t *gone = read_form(p, err, depth + 1);
            if (!gone) return -1;
            json_decref(gone);
        } else {
            break;
        }
    }
    return 0;
}

int fl_edn_skip(fl_edn *p, fl_error *err) {
    return skip_depth(p, err, 0);
}

int fl_edn_at_end(const fl_edn *p) {
    return p->pos >= p->len;
}

static int is_delim(char c) {
    return fl_edn_class[(unsigned char)c] & FL_EDN_DELIM;
}

/* A token up to the next delimiter: symbol, keyword name, number. */
static size_t token_len(const fl_edn *p) {
    size_t i = p->pos;
    while (i < p->len && !is_delim(p->s[i])) i++;
    return i - p->pos;
}

static json_t *read_number_or_symbol(fl_edn *p, fl_error *err) {
    size_t n = token_len(p);
    char buf[128];
    if (n == 0) {
        fail(p, err, "expected an EDN form");
        return NULL;
    }
    const char *t = p->s + p->pos;
    int numeric = isdigit((unsigned char)t[0]) ||
                  ((t[0] == '-' || t[0] == '+') && n > 1 && isdigit((unsigned char)t[1]));
    if (!numeric) {
        json_t *v;
        if (n == 3 && memcmp(t, "nil", 3) == 0)
            v = json_null();
        else if (n == 4 && memcmp(t, "true", 4) == 0)
            v = json_true();
        else if (n == 5 && memcmp(t, "false", 5) == 0)
            v = json_false();
        else
            v = json_stringn(t, n);
        p->pos += n;
        if (!v) fail(p, err, "expected a symbol in UTF-8");
        return v;
    }
    if (n >= sizeof buf) {
        fail(p, err, "expected a number of at most 127 characters");
        return NULL;
    }
    memcpy(buf, t, n);
    buf[n] = 0;
    size_t m = n;
    if (buf[m - 1] == 'N' || buf[m - 1] == 'M') buf[--m] = 0;
    char *end;
    json_t *v = NULL;
    char *slash = strchr(buf, '/');
    if (slash) { /* ratio */
        *slash = 0;
        errno = 0;
        double a = strtod(buf, &end);
        int ok = *end == 0;
        double b = strtod(slash + 1, &end);
        if (ok && *end == 0 && b != 0) v = json_real(a / b);
    } else if (!strpbrk(buf, ".eE")) {
        errno = 0;
        long long x = strtoll(buf, &end, 10);
        if (*end == 0 && errno == 0)
            v = json_integer(x);
        else if (*end == 0) /* too big for 64 bits: keep it exact as a string */
            v = json_string(buf);
    } else {
        double x = strtod(buf, &end);
        if (*end == 0) v = json_real(x);
    }
    if (!v) {
        fail(p, err, "expected a number");
        return NULL;
    }
    p->pos += n;
    return v;
}

static json_t *read_string(fl_edn *p, fl_error *err) {
    /* the common case: no escapes, no newlines; plain ASCII needs no UTF-8 check */
    {
        size_t k = p->pos + 1;
        int ascii = 1;
        while (k < p->len && p->s[k] != '"' && p->s[k] != '\\' && p->s[k] != '\n') {
            if ((unsigned char)p->s[k] >= 0x80) ascii = 0;
            k++;
        }
        if (k < p->len && p->s[k] == '"') {
            const char *start = p->s + p->pos + 1;
            size_t n = k - p->pos - 1;
            json_t *v = ascii ? json_stringn_nocheck(start, n) : json_stringn(start, n);
            if (!v) {
                fail(p, err, "expected a string in UTF-8");
                return NULL;
            }
            p->pos = k + 1;
            return v;
        }
    }
    fl_buf b = FL_BUF_INIT;
    advance(p); /* opening quote */
    while (p->pos < p->len && p->s[p->pos] != '"') {
        char c = p->s[p->pos];
        /* a run of plain characters in one go */
        size_t run = p->pos;
        while (run < p->len && p->s[run] != '"' && p->s[run] != '\\' && p->s[run] != '\n') run++;
        if (run > p->pos) {
            fl_buf_append(&b, p->s + p->pos, run - p->pos);
            p->pos = run;
            continue;
        }
        if (c == '\\') {
            if (p->pos + 1 >= p->len) break;
            char e = p->s[p->pos + 1];
            p->pos += 2;
            switch (e) {
                case 't':
                    fl_buf_putc(&b, '\t');
                    break;
                case 'r':
                    fl_buf_putc(&b, '\r');
                    break;
                case 'n':
                    fl_buf_putc(&b, '\n');
                    break;
                case 'b':
                    fl_buf_putc(&b, '\b');
                    break;
                case 'f':
                    fl_buf_putc(&b, '\f');
                    break;
                case 'u': {
                    if (p->pos + 4 > p->len) {
                        fail(p, err, "expected 4 hex digits after \\u");
                        fl_buf_free(&b);
                        return NULL;
                    }
                    char hex[5] = {0};
                    memcpy(hex, p->s + p->pos, 4);
                    char *end;
                    unsigned long cp = strtoul(hex, &end, 16);
                    if (*end) {
                        fail(p, err, "expected 4 hex digits after \\u");
                        fl_buf_free(&b);
                        return NULL;
                    }
                    p->pos += 4;
                    if (cp < 0x80) {
                        fl_buf_putc(&b, (char)cp);
                    } else if (cp < 0x800) {
                        fl_buf_putc(&b, (char)(0xC0 | (cp >> 6)));
                        fl_buf_putc(&b, (char)(0x80 | (cp & 0x3F)));
                    } else {
                        fl_buf_putc(&b, (char)(0xE0 | (cp >> 12)));
                        fl_buf_putc(&b, (char)(0x80 | ((cp >> 6) & 0x3F)));
                        fl_buf_putc(&b, (char)(0x80 | (cp & 0x3F)));
                    }
                    break;
                }
                default:
                    fl_buf_putc(&b, e);
                    break;
            }
        } else {
            fl_buf_putc(&b, c);
            advance(p);
        }
    }
    if (p->pos >= p->len) {
        fail(p, err, "expected a closing '\"' before the end of the input");
        fl_buf_free(&b);
        return NULL;
    }
    p->pos++;
    json_t *v = json_stringn(b.data ? b.data : "", b.len);
    fl_buf_free(&b);
    if (!v) fail(p, err, "expected a string in UTF-8");
    return v;
}

/* Map keys become strings: a string stays, a keyword/symbol gives its name, others their
 * compact JSON text. */
static char *key_text(json_t *k) {
    if (json_is_string(k)) return fl_xstrdup(json_string_value(k));
    char *s = json_dumps(k, JSON_ENCODE_ANY | JSON_COMPACT);
    return s ? s : fl_xstrdup("?");
}

static json_t *read_seq(fl_edn *p, fl_error *err, int depth, char close, int is_map) {
    int open_line = p->line;
    json_t *out = is_map ? json_object() : json_array();
    for (;;) {
        if (skip_depth(p, err, depth) < 0) goto bad;
        if (p->pos >= p->len) {
            fl_error_set(err, p->name, p->line, col(p),
                         "expected '%c' closing the form opened at line %d", close, open_line);
            goto bad;
        }
        if (p->s[p->pos] == close) {
            p->pos++;
            return out;
        }
        json_t *a = read_form(p, err, depth + 1);
        if (!a) goto bad;
        if (!is_map) {
            json_array_append_new(out, a);
            continue;
        }
        if (skip_depth(p, err, depth) < 0) {
            json_decref(a);
            goto bad;
        }
        if (p->pos >= p->len || p->s[p->pos] == close) {
            fail(p, err, "expected a value after the map key");
            json_decref(a);
            goto bad;
        }
        json_t *v = read_form(p, err, depth + 1);
        if (!v) {
            json_decref(a);
            goto bad;
        }
        char *k = key_text(a);
        json_object_set_new(out, k, v);
        free(k);
        json_decref(a);
    }
bad:
    json_decref(out);
    return NULL;
}

static json_t *read_form(fl_edn *p, fl_error *err, int depth) {
    if (depth > EDN_MAX_DEPTH) {
        fail(p, err, "expected forms nested at most 256 deep");
        return NULL;
    }
    if (skip_depth(p, err, depth) < 0) return NULL;
    if (p->pos >= p->len) {
        fail(p, err, "expected an EDN form before the end of the input");
        return NULL;
    }
    char c = p->s[p->pos];
    switch (c) {
        case '"':
            return read_string(p, err);
        case '[':
            p->pos++;
            return read_seq(p, err, depth, ']', 0);
        case '(':
            p->pos++;
            return read_seq(p, err, depth, ')', 0);
        case '{':
            p->pos++;
            return read_seq(p, err, depth, '}', 1);
        case ']':
        case ')':
        case '}':
            fail(p, err, "expected a form, found an unmatched closing bracket");
            return NULL;
        case ':': {
            p->pos++;
            size_t n = token_len(p);
            if (n == 0) {
                fail(p, err, "expected a keyword name after ':'");
                return NULL;
            }
            json_t *v = json_stringn(p->s + p->pos, n);
            p->pos += n;
            if (!v) fail(p, err, "expected a keyword in UTF-8");
            return v;
        }
        case '\\': {
            p->pos++;
            size_t n = token_len(p);
            if (n == 0 && p->pos < p->len) n = 1;
            json_t *v = NULL;
            if (n == 7 && memcmp(p->s + p->pos, "newline", 7) == 0)
                v = json_string("\n");
            else if (n == 5 && memcmp(p->s + p->pos, "space", 5) == 0)
                v = json_string(" ");
            else if (n == 3 && memcmp(p->s + p->pos, "tab", 3) == 0)
                v = json_string("\t");
            else
                v = json_stringn(p->s + p->pos, n);
            p->pos += n;
            if (!v) fail(p, err, "expected a character");
            return v;
        }
        case '#': {
            if (p->pos + 1 < p->len && p->s[p->pos + 1] == '{') {
                p->pos += 2;
                return read_seq(p, err, depth, '}', 0);
            }
            p->pos++;
            size_t n = token_len(p); /* the tag, then its body */
            if (n == 0) {
                fail(p, err, "expected a tag name or '{' after '#'");
                return NULL;
            }
            p->pos += n;
            return read_form(p, err, depth + 1);
        }
        default:
            return read_number_or_symbol(p, err);
    }
}

json_t *fl_edn_read(fl_edn *p, fl_error *err) {
    return read_form(p, err, 0);
}
