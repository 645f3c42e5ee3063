/*
 * json_fast.c — a small, fast JSON reader for the hot path of the event-JSONL reader: one
 * JSON value straight from the buffer into jansson values (jansson's own loader costs about
 * 200 instructions per character through its stream layer), and the flat event object
 * `{"process":..,"type":..,"f":..,"key":..,"value":..,"time":..,"index":..,"error":..}`
 * read without building the object.
 *
 * Data in: bytes and a cursor. Data out: json_t values / an fl_raw_event's fields. Anything
 * unusual (other keys, malformed text, deep nesting) returns "not handled" and the caller
 * falls back to jansson, which then gives the precise error.
 */
#include "json_fast.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void ws(const char *s, size_t n, size_t *i) {
    while (*i < n && (s[*i] == ' ' || s[*i] == '\t' || s[*i] == '\r' || s[*i] == '\n')) (*i)++;
}

static void put_utf8(fl_buf *b, unsigned long cp) {
    if (cp < 0x80) {
        fl_buf_putc(b, (char)cp);
    } else if (cp < 0x800) {
        fl_buf_putc(b, (char)(0xC0 | (cp >> 6)));
        fl_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        fl_buf_putc(b, (char)(0xE0 | (cp >> 12)));
        fl_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        fl_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    } else {
        fl_buf_putc(b, (char)(0xF0 | (cp >> 18)));
        fl_buf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
        fl_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        fl_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    }
}

static int hex4(const char *s, size_t n, size_t i, unsigned long *out) {
    if (i + 4 > n) return -1;
    unsigned long v = 0;
    for (size_t k = 0; k < 4; k++) {
        char c = s[i + k];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned long)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned long)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned long)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* A string at s[*i] == '"'; the unescaped bytes go to `b` (reset first). */
static int read_string(const char *s, size_t n, size_t *i, fl_buf *b) {
    fl_buf_reset(b);
    size_t k = *i + 1;
    for (;;) {
        size_t run = k;
        while (run < n && s[run] != '"' && s[run] != '\\' && (unsigned char)s[run] >= 0x20) run++;
        if (run > k) fl_buf_append(b, s + k, run - k);
        k = run;
        if (k >= n || (unsigned char)s[k] < 0x20) return -1;
        if (s[k] == '"') break;
        if (k + 1 >= n) return -1;
        char e = s[k + 1];
        k += 2;
        switch (e) {
            case '"':
                fl_buf_putc(b, '"');
                break;
            case '\\':
                fl_buf_putc(b, '\\');
                break;
            case '/':
                fl_buf_putc(b, '/');
                break;
            case 'b':
                fl_buf_putc(b, '\b');
                break;
            case 'f':
                fl_buf_putc(b, '\f');
                break;
            case 'n':
                fl_buf_putc(b, '\n');
                break;
            case 'r':
                fl_buf_putc(b, '\r');
                break;
            case 't':
                fl_buf_putc(b, '\t');
                break;
            case 'u': {
                unsigned long cp, lo;
                if (hex4(s, n, k, &cp) < 0) return -1;
                k += 4;
                if (cp >= 0xD800 && cp < 0xDC00) {
                    if (k + 6 > n || s[k] != '\\' || s[k + 1] != 'u' ||
                        hex4(s, n, k + 2, &lo) < 0 || lo < 0xDC00 || lo >= 0xE000)
                        return -1;
                    k += 6;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else if (cp >= 0xDC00 && cp < 0xE000) {
                    return -1;
                }
                if (cp == 0) return -1; /* jansson rejects NUL in strings too */
                put_utf8(b, cp);
                break;
            }
            default:
                return -1;
        }
    }
    *i = k + 1;
    if (!b->data) fl_buf_reserve(b, 1);
    return 0;
}

static json_t *read_value(const char *s, size_t n, size_t *i, fl_buf *tmp, int depth);

static json_t *read_number(const char *s, size_t n, size_t *i) {
    size_t k = *i, start = k;
    int is_real = 0;
    if (k < n && s[k] == '-') k++;
    if (k >= n || s[k] < '0' || s[k] > '9') return NULL;
    if (s[k] == '0' && k + 1 < n && s[k + 1] >= '0' && s[k + 1] <= '9') return NULL;
    while (k < n && s[k] >= '0' && s[k] <= '9') k++;
    if (k < n && s[k] == '.') {
        is_real = 1;
        k++;
        if (k >= n || s[k] < '0' || s[k] > '9') return NULL;
        while (k < n && s[k] >= '0' && s[k] <= '9') k++;
    }
    if (k < n && (s[k] == 'e' || s[k] == 'E')) {
        is_real = 1;
        k++;
        if (k < n && (s[k] == '+' || s[k] == '-')) k++;
        if (k >= n || s[k] < '0' || s[k] > '9') return NULL;
        while (k < n && s[k] >= '0' && s[k] <= '9') k++;
    }
    char buf[64];
    if (k - start >= sizeof buf) return NULL;
    memcpy(buf, s + start, k - start);
    buf[k - start] = 0;
    *i = k;
    errno = 0;
    if (!is_real) {
        long long v = strtoll(buf, NULL, 10);
        if (errno == 0) return json_integer(v);
        errno = 0;
    }
    double d = strtod(buf, NULL);
    if (errno) return NULL;
    return json_real(d);
}

static json_t *read_value(const char *s, size_t n, size_t *i, fl_buf *tmp, int depth) {
    if (depth > 256) return NULL;
    ws(s, n, i);
    if (*i >= n) return NULL;
    char c = s[*i];
    if (c == '"') {
        if (read_string(s, n, i, tmp) < 0) return NULL;
        return json_stringn(tmp->data, tmp->len); /* validates UTF-8 */
    }
    if (c == '{') {
        json_t *o = json_object();
        (*i)++;
        ws(s, n, i);
        if (*i < n && s[*i] == '}') {
            (*i)++;
            return o;
        }
        for (;;) {
            ws(s, n, i);
            if (*i >= n || s[*i] != '"' || read_string(s, n, i, tmp) < 0) break;
            if (memchr(tmp->data, 0, tmp->len)) break;
            char *key = fl_xstrndup(tmp->data, tmp->len);
            ws(s, n, i);
            if (*i >= n || s[*i] != ':') {
                free(key);
                break;
            }
            (*i)++;
            json_t *v = read_value(s, n, i, tmp, depth + 1);
            if (!v || json_object_set_new(o, key, v) < 0) {
                free(key);
                break;
            }
            free(key);
            ws(s, n, i);
            if (*i < n && s[*i] == ',') {
                (*i)++;
                continue;
            }
            if (*i < n && s[*i] == '}') {
                (*i)++;
                return o;
            }
            break;
        }
        json_decref(o);
        return NULL;
    }
    if (c == '[') {
        json_t *a = json_array();
        (*i)++;
        ws(s, n, i);
        if (*i < n && s[*i] == ']') {
            (*i)++;
            return a;
        }
        for (;;) {
            json_t *v = read_value(s, n, i, tmp, depth + 1);
            if (!v) break;
            json_array_append_new(a, v);
            ws(s, n, i);
            if (*i < n && s[*i] == ',') {
                (*i)++;
                continue;
            }
            if (*i < n && s[*i] == ']') {
                (*i)++;
                return a;
            }
            break;
        }
        json_decref(a);
        return NULL;
    }
    if (n - *i >= 4 && memcmp(s + *i, "null", 4) == 0) {
        *i += 4;
        return json_null();
    }
    if (n - *i >= 4 && memcmp(s + *i, "true", 4) == 0) {
        *i += 4;
        return json_true();
    }
    if (n - *i >= 5 && memcmp(s + *i, "false", 5) == 0) {
        *i += 5;
        return json_false();
    }
    return read_number(s, n, i);
}

json_t *fl_json_fast_value(const char *s, size_t n) {
    fl_buf tmp = FL_BUF_INIT;
    size_t i = 0;
    json_t *v = read_value(s, n, &i, &tmp, 0);
    fl_buf_free(&tmp);
    if (v) {
        ws(s, n, &i);
        if (i != n) {
            json_decref(v);
            v = NULL;
        }
    }
    return v;
}

int fl_json_fast_event(const char *s, size_t n, fl_json_event *ev) {
    memset(ev, 0, sizeof *ev);
    ev->time = FL_TIME_NONE;
    fl_buf tmp = FL_BUF_INIT;
    size_t i = 0;
    int ok = 0;
    ws(s, n, &i);
    if (i >= n || s[i] != '{') goto out;
    i++;
    ws(s, n, &i);
    if (i < n && s[i] == '}') goto out;
    for (;;) {
        ws(s, n, &i);
        if (i >= n || s[i] != '"' || read_string(s, n, &i, &tmp) < 0) goto out;
        char key[16];
        if (tmp.len >= sizeof key) goto out;
        memcpy(key, tmp.data, tmp.len);
        key[tmp.len] = 0;
        ws(s, n, &i);
        if (i >= n || s[i] != ':') goto out;
        i++;
        ws(s, n, &i);
        if (!strcmp(key, "type") || !strcmp(key, "f")) {
            if (i >= n || s[i] != '"' || read_string(s, n, &i, &tmp) < 0) goto out;
            char *dst = key[0] == 't' ? ev->type : ev->f;
            size_t cap = key[0] == 't' ? sizeof ev->type : sizeof ev->f;
            if (tmp.len >= cap || memchr(tmp.data, 0, tmp.len)) goto out;
            memcpy(dst, tmp.data, tmp.len);
            dst[tmp.len] = 0;
            if (key[0] == 'f') ev->has_f = 1;
        } else if (!strcmp(key, "process") || !strcmp(key, "value") || !strcmp(key, "key") ||
                   !strcmp(key, "error")) {
            json_t *v = read_value(s, n, &i, &tmp, 1);
            if (!v) goto out;
            json_t **slot = key[0] == 'p'   ? &ev->process
                            : key[0] == 'v' ? &ev->value
                            : key[0] == 'k' ? &ev->key
                                            : &ev->error;
            json_decref(*slot);
            *slot = v;
        } else if (!strcmp(key, "time") || !strcmp(key, "index")) {
            json_t *v = read_number(s, n, &i);
            if (!v) goto out;
            if (key[0] == 't')
                ev->time = json_is_integer(v) ? (int64_t)json_integer_value(v)
                                              : (int64_t)json_real_value(v);
            json_decref(v);
        } else {
            goto out; /* another field: the caller keeps the whole object */
        }
        ws(s, n, &i);
        if (i < n && s[i] == ',') {
            i++;
            continue;
        }
        if (i < n && s[i] == '}') {
            i++;
            break;
        }
        goto out;
    }
    ws(s, n, &i);
    ok = i == n && ev->process && ev->type[0];
out:
    fl_buf_free(&tmp);
    if (!ok) fl_json_event_free(ev);
    return ok;
}

void fl_json_event_free(fl_json_event *ev) {
    json_decref(ev->process);
    json_decref(ev->value);
    json_decref(ev->key);
    json_decref(ev->error);
    ev->process = ev->value = ev->key = ev->error = NULL;
}
