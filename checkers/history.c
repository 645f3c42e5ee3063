/*
 * history.c — builds an fl_history from events given in real-time order, enforcing the
 * pairing rules (history.h), and the small helpers checkers use on ops.
 *
 * Data in: fl_raw_event values from the readers (read_*.c). Data out: fl_history, whose ops
 * hold their own JSON references; fl_history_free releases everything.
 */
#include "history.h"

#include <stdlib.h>
#include <string.h>

typedef struct proc_state {
    size_t open;   /* index of the outstanding op in ops, or SIZE_MAX */
    int crashed;   /* completed with info: never reused */
    int info_line; /* line of that info completion */
} proc_state;

struct fl_history_builder {
    fl_history h;
    size_t cap_ops, cap_procs, cap_nem;
    proc_state *procs;
    json_t *proc_index; /* object: canonical process text → integer proc number */
    int *small_procs;   /* integer processes 0..SMALL_PROCS-1 → proc number + 1 (0: unseen) */
};

#define SMALL_PROCS 4096

const char *fl_op_type_name(fl_op_type t) {
    switch (t) {
        case FL_OP_OK:
            return "ok";
        case FL_OP_FAIL:
            return "fail";
        case FL_OP_INFO:
            return "info";
        case FL_OP_NONE:
            return "none";
    }
    return "?";
}

fl_history_builder *fl_history_builder_new(const char *name, fl_history_format format) {
    fl_history_builder *b = fl_xcalloc(1, sizeof *b);
    b->h.name = fl_xstrdup(name ? name : "<history>");
    b->h.format = format;
    b->proc_index = json_object();
    return b;
}

static int is_nemesis(json_t *process) {
    return json_is_string(process) && strcmp(json_string_value(process), "nemesis") == 0;
}

/* Text form of a process for messages and as a hash key ("3", "client-a"). */
static const char *proc_key(json_t *process, char *buf, size_t n) {
    if (json_is_integer(process))
        snprintf(buf, n, "%lld", (long long)json_integer_value(process));
    else if (json_is_string(process))
        snprintf(buf, n, "\"%s\"", json_string_value(process));
    else {
        char *s = json_dumps(process, JSON_ENCODE_ANY | JSON_COMPACT);
        snprintf(buf, n, "%s", s ? s : "?");
        free(s);
    }
    return buf;
}

static int intern_proc(fl_history_builder *b, json_t *process) {
    json_int_t small = json_is_integer(process) ? json_integer_value(process) : -1;
    if (small >= 0 && small < SMALL_PROCS && b->small_procs && b->small_procs[small])
        return b->small_procs[small] - 1;
    char key[256];
    proc_key(process, key, sizeof key);
    json_t *got = json_object_get(b->proc_index, key);
    if (got) return (int)json_integer_value(got);
    int id = b->h.nprocs++;
    if ((size_t)id >= b->cap_procs) {
        b->cap_procs = b->cap_procs ? b->cap_procs * 2 : 16;
        b->h.processes = fl_xrealloc(b->h.processes, b->cap_procs * sizeof *b->h.processes);
        b->procs = fl_xrealloc(b->procs, b->cap_procs * sizeof *b->procs);
    }
    b->h.processes[id] = json_incref(process);
    b->procs[id] = (proc_state){SIZE_MAX, 0, 0};
    json_object_set_new(b->proc_index, key, json_integer(id));
    if (small >= 0 && small < SMALL_PROCS) {
        if (!b->small_procs) b->small_procs = fl_xcalloc(SMALL_PROCS, sizeof *b->small_procs);
        b->small_procs[small] = id + 1;
    }
    return id;
}

static json_t *ref(json_t *v) {
    return v ? json_incref(v) : NULL;
}

int fl_history_builder_add(fl_history_builder *b, const fl_raw_event *ev, fl_error *err) {
    char pbuf[256];
    if (!ev->process || !(json_is_integer(ev->process) || json_is_string(ev->process))) {
        fl_error_set(err, b->h.name, ev->line, 0,
                     "expected a \"process\" that is an integer or a string");
        return -1;
    }
    if (is_nemesis(ev->process)) {
        fl_history_builder_add_nemesis(b, ev->object, ev->line);
        return 0;
    }
    int p = intern_proc(b, ev->process);
    proc_state *ps = &b->procs[p];
    if (ps->crashed) {
        fl_error_set(err, b->h.name, ev->line, 0,
                     "process %s completed with info at line %d and must not be reused; "
                     "expected a new process id",
                     proc_key(ev->process, pbuf, sizeof pbuf), ps->info_line);
        return -1;
    }
    size_t pos = b->h.nevents++;
    if (ev->type == FL_EV_INVOKE) {
        if (ps->open != SIZE_MAX) {
            fl_error_set(err, b->h.name, ev->line, 0,
                         "process %s invoked again while its op from line %d is outstanding; "
                         "expected its completion (ok, fail or info) first",
                         proc_key(ev->process, pbuf, sizeof pbuf), b->h.ops[ps->open].invoke_line);
            return -1;
        }
        if (!ev->f || !*ev->f) {
            fl_error_set(err, b->h.name, ev->line, 0, "expected an \"f\" naming the operation");
            return -1;
        }
        if (b->h.nops == b->cap_ops) {
            b->cap_ops = b->cap_ops ? b->cap_ops * 2 : 64;
            b->h.ops = fl_xrealloc(b->h.ops, b->cap_ops * sizeof *b->h.ops);
        }
        fl_op *op = &b->h.ops[b->h.nops];
        memset(op, 0, sizeof *op);
        op->index = b->h.nops;
        op->proc = p;
        op->f = fl_xstrdup(ev->f);
        op->key = ref(ev->key);
        op->value = ev->value ? json_incref(ev->value) : json_null();
        op->type = FL_OP_NONE;
        op->invoke_pos = pos;
        op->complete_pos = FL_POS_NONE;
        op->invoke_time = ev->time;
        op->complete_time = FL_TIME_NONE;
        op->invoke_line = ev->line;
        op->invoke_event = ref(ev->object);
        ps->open = b->h.nops++;
        return 0;
    }
    if (ps->open == SIZE_MAX) {
        fl_error_set(err, b->h.name, ev->line, 0,
                     "completion from process %s which has no outstanding invoke; expected an "
                     "invoke from that process before it",
                     proc_key(ev->process, pbuf, sizeof pbuf));
        return -1;
    }
    fl_op *op = &b->h.ops[ps->open];
    if (ev->f && op->f && strcmp(ev->f, op->f) != 0) {
        fl_error_set(err, b->h.name, ev->line, 0,
                     "completion of process %s has f \"%s\" but its invoke at line %d has \"%s\"; "
                     "expected the same f",
                     proc_key(ev->process, pbuf, sizeof pbuf), ev->f, op->invoke_line, op->f);
        return -1;
    }
    op->type = ev->type == FL_EV_OK ? FL_OP_OK : ev->type == FL_EV_FAIL ? FL_OP_FAIL : FL_OP_INFO;
    op->result = ref(ev->value);
    op->error = ref(ev->error);
    op->complete_pos = pos;
    op->complete_time = ev->time;
    op->complete_line = ev->line;
    op->complete_event = ref(ev->object);
    if (!op->key && ev->key) op->key = json_incref(ev->key);
    ps->open = SIZE_MAX;
    if (op->type == FL_OP_INFO) {
        ps->crashed = 1;
        ps->info_line = ev->line;
    }
    return 0;
}

void fl_history_builder_add_op(fl_history_builder *b, const fl_raw_event *invoke,
                               const fl_raw_event *complete, size_t invoke_pos,
                               size_t complete_pos) {
    int p = intern_proc(b, invoke->process);
    if (b->h.nops == b->cap_ops) {
        b->cap_ops = b->cap_ops ? b->cap_ops * 2 : 64;
        b->h.ops = fl_xrealloc(b->h.ops, b->cap_ops * sizeof *b->h.ops);
    }
    fl_op *op = &b->h.ops[b->h.nops];
    memset(op, 0, sizeof *op);
    op->index = b->h.nops++;
    op->proc = p;
    op->f = fl_xstrdup(invoke->f ? invoke->f : "");
    op->key = ref(invoke->key);
    op->value = invoke->value ? json_incref(invoke->value) : json_null();
    op->invoke_pos = invoke_pos;
    op->invoke_time = invoke->time;
    op->invoke_line = invoke->line;
    op->invoke_event = ref(invoke->object);
    op->type = FL_OP_NONE;
    op->complete_pos = FL_POS_NONE;
    op->complete_time = FL_TIME_NONE;
    if (invoke_pos + 1 > b->h.nevents) b->h.nevents = invoke_pos + 1;
    if (complete) {
        op->type = complete->type == FL_EV_OK     ? FL_OP_OK
                   : complete->type == FL_EV_FAIL ? FL_OP_FAIL
                                                  : FL_OP_INFO;
        op->result = ref(complete->value);
        op->error = ref(complete->error);
        op->complete_pos = complete_pos;
        op->complete_time = complete->time;
        op->complete_line = complete->line;
        op->complete_event = ref(complete->object);
        if (complete_pos + 1 > b->h.nevents) b->h.nevents = complete_pos + 1;
    }
}

void fl_history_builder_add_nemesis(fl_history_builder *b, json_t *object, int line) {
    if (b->h.nnemesis == b->cap_nem) {
        b->cap_nem = b->cap_nem ? b->cap_nem * 2 : 16;
        b->h.nemesis = fl_xrealloc(b->h.nemesis, b->cap_nem * sizeof *b->h.nemesis);
    }
    fl_nemesis_event *n = &b->h.nemesis[b->h.nnemesis++];
    n->event = object ? json_incref(object) : json_object();
    const char *f = json_string_value(json_object_get(n->event, "f"));
    const char *type = json_string_value(json_object_get(n->event, "type"));
    n->f = f ? f : "";
    n->type = type ? type : "";
    json_t *t = json_object_get(n->event, "time");
    n->time = json_is_integer(t) ? (int64_t)json_integer_value(t) : FL_TIME_NONE;
    n->pos = b->h.nevents;
    n->line = line;
}

void fl_history_builder_finish(fl_history_builder *b, fl_history *out) {
    fl_history *h = &b->h;
    for (size_t i = 0; i < h->nops; i++) {
        switch (h->ops[i].type) {
            case FL_OP_OK:
                h->count_ok++;
                break;
            case FL_OP_FAIL:
                h->count_fail++;
                break;
            default:
                h->count_info++;
                break;
        }
    }
    *out = *h;
    memset(h, 0, sizeof *h);
    fl_history_builder_free(b);
}

void fl_history_builder_free(fl_history_builder *b) {
    if (!b) return;
    fl_history_free(&b->h);
    free(b->procs);
    free(b->small_procs);
    json_decref(b->proc_index);
    free(b);
}

void fl_history_free(fl_history *h) {
    if (!h) return;
    for (size_t i = 0; i < h->nops; i++) {
        fl_op *op = &h->ops[i];
        free((char *)op->f);
        json_decref(op->key);
        json_decref(op->value);
        json_decref(op->result);
        json_decref(op->error);
        json_decref(op->invoke_event);
        json_decref(op->complete_event);
    }
    free(h->ops);
    for (int i = 0; i < h->nprocs; i++) json_decref(h->processes[i]);
    free(h->processes);
    for (size_t i = 0; i < h->nnemesis; i++) json_decref(h->nemesis[i].event);
    free(h->nemesis);
    free(h->name);
    memset(h, 0, sizeof *h);
}

json_t *fl_op_logical_value(const fl_op *op) {
    if (op->type == FL_OP_OK && op->result && !json_is_null(op->result)) return op->result;
    if (op->value) return op->value;
    return json_null(); /* jansson's null is a static singleton: no reference to drop */
}

const char *fl_history_process_text(const fl_history *h, int proc, char *buf, size_t n) {
    if (proc < 0 || proc >= h->nprocs) {
        snprintf(buf, n, "?");
        return buf;
    }
    json_t *p = h->processes[proc];
    if (json_is_integer(p))
        snprintf(buf, n, "%lld", (long long)json_integer_value(p));
    else if (json_is_string(p))
        snprintf(buf, n, "%s", json_string_value(p));
    else
        snprintf(buf, n, "?");
    return buf;
}

int fl_op_precedes(const fl_op *a, const fl_op *b) {
    if (a->type == FL_OP_INFO || a->type == FL_OP_NONE) return 0;
    return a->complete_pos < b->invoke_pos;
}
