/*
 * util.c — small helpers shared by the analyzers: a 64-bit hash for stable ids, id
 * formatting, the last identifier of a callee expression, UTF-16 columns, doc-file names.
 */
#include "internal.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* FNV-1a, 64 bits, then a final mix: deterministic across runs and machines. */
uint64_t fl__hash(const void *data, size_t n, uint64_t seed) {
    const unsigned char *p = data;
    uint64_t h = 1469598103934665603ULL ^ seed;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

uint64_t fl__hash_str(const char *s, uint64_t seed) {
    /* the terminating NUL is hashed too, so ("ab","c") and ("a","bc") differ */
    return fl__hash(s ? s : "", (s ? strlen(s) : 0) + 1, seed);
}

void fl__make_id(char out[24], const char *prefix, uint64_t h) {
    snprintf(out, 24, "%s%012llx", prefix, (unsigned long long)(h & 0xffffffffffffULL));
}

static int ident_char(unsigned char c) {
    return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

void fl__last_ident(const char *s, size_t n, const char **start, size_t *len) {
    /* strip a trailing argument list or generic arguments: "a.b(c)" -> "a.b" */
    size_t end = n;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '(' || s[i] == '<' || s[i] == '[' || s[i] == '!') {
            end = i;
            break;
        }
    }
    while (end > 0 && !ident_char((unsigned char)s[end - 1])) end--;
    size_t b = end;
    while (b > 0 && ident_char((unsigned char)s[b - 1])) b--;
    *start = s + b;
    *len = end - b;
}

int fl__utf16_column(const char *line_start, uint32_t col0) {
    /* most lines are ASCII up to the column: one UTF-16 unit a byte, checked 8 at a time */
    uint32_t i = 0;
    while (i + 8 <= col0) {
        uint64_t w;
        memcpy(&w, line_start + i, 8);
        if (w & 0x8080808080808080ull) break;
        i += 8;
    }
    while (i < col0 && (unsigned char)line_start[i] < 0x80) i++;
    int units = (int)i;
    while (i < col0) {
        unsigned char c = (unsigned char)line_start[i];
        uint32_t step = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (i + step > col0) step = col0 - i;
        units += step == 4 ? 2 : 1;
        i += step;
    }
    return units + 1;
}

int fl__is_doc_path(const char *path) {
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (strncasecmp(base, "changelog", 9) == 0 || strncasecmp(base, "news", 4) == 0 ||
        strncasecmp(base, "license", 7) == 0 || strncasecmp(base, "copying", 7) == 0)
        return 0;
    if (!dot || (slash && dot < slash)) return 0;
    return strcasecmp(dot, ".md") == 0 || strcasecmp(dot, ".markdown") == 0 ||
           strcasecmp(dot, ".rst") == 0 || strcasecmp(dot, ".adoc") == 0;
}
