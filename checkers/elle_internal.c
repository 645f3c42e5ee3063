/*
 * elle_internal.c — internal consistency (Cerone et al.'s INT): within one committed txn, a
 * read of a key must agree with the txn's own earlier read and writes of that key.
 *
 * list-append: after a read R and then own appends A, the next read must be R ++ A; with no
 * earlier read, it must at least end with the txn's own appends A. rw-register: a read must
 * return the txn's own latest write of the key, or else its own earlier read.
 *
 * Data in: elle_txns. Data out: "internal" anomalies into elle_found.
 */
#include "elle.h"

#include <string.h>

static void report(const elle_txns *t, const elle_mop *m, const char *expected, elle_found *f) {
    json_t *a = json_object();
    json_object_set_new(a, "op", elle_txn_json(t, m->txn));
    json_object_set(a, "key", t->keys.atoms[m->key].json);
    fl_buf s = FL_BUF_INIT;
    fl_buf_puts(&s, "In ");
    elle_txn_text(t, m->txn, &s);
    fl_buf_puts(&s, ", the read of ");
    elle_mop_text(t, m, &s);
    fl_buf_printf(&s,
                  " disagrees with the transaction's own earlier operations on that key, "
                  "which imply %s.",
                  expected);
    json_object_set_new(a, "expected", json_string(expected));
    json_object_set_new(a, "message", json_string(fl_buf_cstr(&s)));
    fl_buf_free(&s);
    elle_found_add(f, "internal", a);
}

static void check_append(const elle_txns *t, const elle_txn *tx, uint32_t j, elle_found *f) {
    const elle_mop *m = &t->mops[j];
    uint32_t prev_read = ELLE_NONE, nown = 0;
    for (uint32_t i = tx->mop0; i < j; i++) {
        const elle_mop *p = &t->mops[i];
        if (p->key != m->key) continue;
        if (p->kind == ELLE_READ) {
            prev_read = i;
            nown = 0;
        } else {
            nown++;
        }
    }
    if (prev_read == ELLE_NONE && nown == 0) return;
    /* expected suffix: own appends after prev_read, preceded by prev_read's list if any */
    uint32_t base = prev_read == ELLE_NONE ? 0 : t->mops[prev_read].rlen;
    uint32_t need = base + nown;
    int ok = prev_read == ELLE_NONE ? m->rlen >= need : m->rlen == need;
    const uint32_t *r = t->elems + m->roff;
    uint32_t at = m->rlen - (ok ? need : 0);
    if (ok && prev_read != ELLE_NONE)
        ok = memcmp(r, t->elems + t->mops[prev_read].roff, (size_t)base * sizeof *r) == 0;
    if (ok) {
        uint32_t pos = at + base;
        for (uint32_t i = (prev_read == ELLE_NONE ? tx->mop0 : prev_read + 1); i < j && ok; i++) {
            const elle_mop *p = &t->mops[i];
            if (p->key == m->key && p->kind == ELLE_APPEND) ok = r[pos++] == p->val;
        }
    }
    if (ok) return;
    fl_buf e = FL_BUF_INIT;
    fl_buf_puts(&e, prev_read == ELLE_NONE ? "a list ending with [" : "exactly [");
    int first = 1;
    if (prev_read != ELLE_NONE)
        for (uint32_t i = 0; i < base; i++) {
            if (!first) fl_buf_putc(&e, ' ');
            first = 0;
            elle_atom_text(t->vals.atoms[t->elems[t->mops[prev_read].roff + i]].json, &e);
        }
    for (uint32_t i = (prev_read == ELLE_NONE ? tx->mop0 : prev_read + 1); i < j; i++) {
        const elle_mop *p = &t->mops[i];
        if (p->key != m->key || p->kind != ELLE_APPEND) continue;
        if (!first) fl_buf_putc(&e, ' ');
        first = 0;
        elle_atom_text(t->vals.atoms[p->val].json, &e);
    }
    fl_buf_putc(&e, ']');
    report(t, m, fl_buf_cstr(&e), f);
    fl_buf_free(&e);
}

static void check_rw(const elle_txns *t, const elle_txn *tx, uint32_t j, elle_found *f) {
    const elle_mop *m = &t->mops[j];
    for (uint32_t i = j; i-- > tx->mop0;) {
        const elle_mop *p = &t->mops[i];
        if (p->key != m->key) continue;
        if (p->val == m->val) return;
        fl_buf e = FL_BUF_INIT;
        elle_atom_text(p->val == ELLE_NONE ? json_null() : t->vals.atoms[p->val].json, &e);
        report(t, m, fl_buf_cstr(&e), f);
        fl_buf_free(&e);
        return;
    }
}

void elle_check_internal(const elle_txns *t, elle_found *f) {
    for (uint32_t x = 0; x < t->ntxn; x++) {
        const elle_txn *tx = &t->txns[x];
        if (tx->type != FL_OP_OK || tx->nmop < 2) continue;
        for (uint32_t j = tx->mop0 + 1; j < tx->mop0 + tx->nmop; j++) {
            const elle_mop *m = &t->mops[j];
            if (m->kind != ELLE_READ || !m->known || m->ext) continue;
            if (t->rw)
                check_rw(t, tx, j, f);
            else
                check_append(t, tx, j, f);
        }
    }
}
