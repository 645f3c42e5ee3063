/*
 * evidence.c — the plan's own landing-evidence entries (`run.evidence`).
 *
 * `log` entries: when their fault starts, the size of each node log is noted; `within_s`
 * later (or at the run's end) the size is noted again, and the text written in between is
 * searched line by line with the pcre2 pattern. `command` entries run inside the fault
 * window (placeholders expanded, in the clients' namespace) and match when they exit 0 and,
 * if a pattern is given, their output matches it. The result and a quoted detail leave in
 * fl_exec_evidence_state.
 */
#include "exec.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static long file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : 0;
}

static int node_selected(const fl_exec_evidence_state *e, const fl_fault *f, int node) {
    const char *sel = e->spec->node;
    if (!strcmp(sel, "any") || !strcmp(sel, "all")) return 1;
    if (!strcmp(sel, "target")) {
        for (int i = 0; f && i < f->nvictims; i++)
            if (f->victims[i] == node) return 1;
        return 0;
    }
    if (!strcmp(sel, "others") || !strcmp(sel, "peers")) {
        for (int i = 0; f && i < f->nvictims; i++)
            if (f->victims[i] == node) return 0;
        return 1;
    }
    const char *num = !strncmp(sel, "node-", 5) ? sel + 5 : sel[0] == 'n' ? sel + 1 : sel;
    return atoi(num) == node;
}

void fl_exec_evidence_mark(fl_exec_evidence_state *e, fl_cluster *c) {
    for (int i = 0; i < c->n && i < 16; i++) e->offsets[i] = file_size(c->nodes[i].log_path);
    e->marked = 1;
}

void fl_exec_evidence_close(fl_exec_evidence_state *e, fl_cluster *c) {
    if (e->closed || !e->marked) return;
    for (int i = 0; i < c->n && i < 16; i++) e->ends[i] = file_size(c->nodes[i].log_path);
    e->closed = 1;
}

static int match(const char *pattern, const char *text, size_t len, char *hit, size_t cap,
                 char *err, size_t errcap) {
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *re =
        pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_MULTILINE, &ec, &eo, NULL);
    if (!re) {
        PCRE2_UCHAR msg[200];
        pcre2_get_error_message(ec, msg, sizeof msg);
        snprintf(err, errcap, "bad pattern at offset %zu: %s", (size_t)eo, (char *)msg);
        return 0;
    }
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int rc = pcre2_match(re, (PCRE2_SPTR)text, len, 0, 0, md, NULL);
    int ok = rc >= 0;
    if (ok) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        size_t s = ov[0], e = ov[1];
        while (s > 0 && text[s - 1] != '\n') s--;
        while (e < len && text[e] != '\n') e++;
        size_t n = e - s < cap - 1 ? e - s : cap - 1;
        memcpy(hit, text + s, n);
        hit[n] = 0;
    }
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return ok;
}

void fl_exec_evidence_command(fl_exec_evidence_state *e, fl_cluster *c, const fl_fault *f) {
    fl_error err;
    int node = f && f->nvictims ? f->victims[0] : 1;
    char *cmd =
        fl_template_expand(e->spec->command, node, c->n, c->addrs, c->nodes[node - 1].dir, &err);
    e->marked = e->closed = 1;
    if (!cmd) {
        snprintf(e->detail, sizeof e->detail, "command evidence: %s", err.message);
        return;
    }
    fl_buf out = FL_BUF_INIT;
    int rc = fl_exec_run_cmd(cmd, fl_exec_cluster_cmd_ns(c), fl_exec_cluster_env(c), 5.0, &out);
    char hit[300] = "", perr[200] = "";
    const char *txt = fl_buf_cstr(&out);
    if (rc == 0 && (!e->spec->pattern ||
                    match(e->spec->pattern, txt, out.len, hit, sizeof hit, perr, sizeof perr))) {
        e->matched = 1;
        if (!hit[0]) snprintf(hit, sizeof hit, "%.*s", (int)strcspn(txt, "\n"), txt);
        snprintf(e->detail, sizeof e->detail, "`%s` exited 0 in the window: %s", cmd, hit);
    } else {
        snprintf(e->detail, sizeof e->detail, "`%s` exited %d in the window%s%s: %.200s", cmd, rc,
                 perr[0] ? "; " : "", perr, txt);
    }
    for (char *p = e->detail; *p; p++)
        if (*p == '\n') *p = ' ';
    free(cmd);
    fl_buf_free(&out);
}

void fl_exec_evidence_judge(fl_exec_evidence_state *e, fl_cluster *c, const fl_fault *f) {
    if (!strcmp(e->spec->kind, "command")) return; /* decided when it ran */
    if (!e->marked) {
        snprintf(e->detail, sizeof e->detail, "its fault never started");
        return;
    }
    fl_exec_evidence_close(e, c);
    for (int i = 0; i < c->n && i < 16; i++) {
        if (!node_selected(e, f, i + 1)) continue;
        long from = e->offsets[i], to = e->ends[i];
        if (to <= from) continue;
        fl_buf all = FL_BUF_INIT;
        if (fl_file_read(c->nodes[i].log_path, &all, NULL) < 0) continue;
        if ((size_t)to > all.len) to = (long)all.len;
        char hit[300], perr[200] = "";
        if (to > from && match(e->spec->pattern, all.data + from, (size_t)(to - from), hit,
                               sizeof hit, perr, sizeof perr)) {
            e->matched = 1;
            snprintf(e->detail, sizeof e->detail, "logs/n%d.log matched /%s/ within %.0fs: %.300s",
                     i + 1, e->spec->pattern, e->spec->within_s, hit);
            fl_buf_free(&all);
            return;
        }
        fl_buf_free(&all);
        if (perr[0]) {
            snprintf(e->detail, sizeof e->detail, "pattern /%s/: %s", e->spec->pattern, perr);
            return;
        }
    }
    snprintf(e->detail, sizeof e->detail, "no line of the %s log(s) matched /%s/ within %.0fs",
             e->spec->node, e->spec->pattern, e->spec->within_s);
}
