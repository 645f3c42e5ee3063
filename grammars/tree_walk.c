/*
 * tree_walk.c — a pre-order walk over the visible nodes of a syntax tree: the nodes
 * TSTreeCursor visits, in its order, with the same TSNode values (a node's id is its place in
 * its parent's child array, so ts_node_eq holds between the two).
 *
 * Why not TSTreeCursor: its every step rebuilds an iterator over the parent's children from
 * the top of its stack, and each node then costs three or four calls (current node, symbol,
 * first child, next sibling), about 600 instructions in all. A scan visits every node of
 * every file, so that was a sixth of a scan's time. This walk keeps one frame per parent on
 * its own stack and reads the runtime's subtrees directly (the runtime is pinned in
 * package-lock.json and compiled here from its sources, so its internal headers are part of
 * what we build against); a node costs a few dozen instructions.
 *
 * Input: a TSNode to start from; output: its descendants, each with its public symbol and
 * its depth below the start. Hidden nodes (rules whose names start with '_', inlined
 * helpers) are walked through, never returned, exactly as the cursor does; aliases come
 * from the immediate parent's production, extras get none.
 */
#include "fl_grammars.h"

#include <stdlib.h>

#include "language.h"
#include "subtree.h"
#include "tree.h"

/* The children of one parent, being visited. */
typedef struct frame {
    const Subtree *children; /* the parent's child array */
    uint32_t count;          /* children in it */
    uint32_t index;          /* next child to visit */
    uint32_t structural;     /* next non-extra child's index, for the alias sequence */
    const TSSymbol *aliases; /* the parent production's alias sequence, or NULL */
    Length position;         /* where children[index] starts (after its padding) */
    uint32_t depth;          /* depth of the visible nodes among these children */
} frame;

struct fl_tree_walk {
    const TSTree *tree;
    frame *stack; /* frames of the parents being walked, innermost last */
    uint32_t size, cap;
    TSNode start; /* the start node, returned first */
    int started;  /* 0 until the start node was returned */
};

fl_tree_walk *fl_tree_walk_new(void) {
    fl_tree_walk *w = calloc(1, sizeof *w);
    if (!w) abort();
    return w;
}

void fl_tree_walk_free(fl_tree_walk *w) {
    if (!w) return;
    free(w->stack);
    free(w);
}

/* Opens `parent`'s children as a new frame; `position` is where the parent starts. */
static void push(fl_tree_walk *w, Subtree parent, Length position, uint32_t depth) {
    uint32_t n = ts_subtree_child_count(parent);
    if (n == 0) return;
    if (w->size == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 32;
        w->stack = realloc(w->stack, w->cap * sizeof *w->stack);
        if (!w->stack) abort();
    }
    frame *f = &w->stack[w->size++];
    f->children = ts_subtree_children(parent);
    f->count = n;
    f->index = 0;
    f->structural = 0;
    f->aliases = ts_language_alias_sequence(w->tree->language, parent.ptr->production_id);
    f->position = position; /* a parent starts where its first child does */
    f->depth = depth;
}

void fl_tree_walk_start(fl_tree_walk *w, TSNode start) {
    w->tree = start.tree;
    w->size = 0;
    w->start = start;
    w->started = 0;
}

int fl_tree_walk_next(fl_tree_walk *w, TSNode *node, TSSymbol *symbol, uint32_t *depth) {
    if (!w->started) {
        w->started = 1;
        if (ts_node_is_null(w->start)) return 0;
        const Subtree *s = (const Subtree *)w->start.id;
        Length at = {w->start.context[0], {w->start.context[1], w->start.context[2]}};
        push(w, *s, at, 1);
        *node = w->start;
        *symbol = ts_node_symbol(w->start);
        *depth = 0;
        return 1;
    }
    while (w->size) {
        frame *f = &w->stack[w->size - 1];
        if (f->index == f->count) {
            w->size--;
            continue;
        }
        const Subtree *child = &f->children[f->index];
        Length at = f->position;
        TSSymbol alias = 0;
        int visible = ts_subtree_visible(*child);
        if (!ts_subtree_extra(*child)) {
            if (f->aliases) alias = f->aliases[f->structural];
            if (alias) visible = 1;
            f->structural++;
        }
        f->position = length_add(f->position, ts_subtree_size(*child));
        if (++f->index < f->count)
            f->position = length_add(f->position, ts_subtree_padding(f->children[f->index]));
        uint32_t d = f->depth; /* f may move when the stack grows */
        if (visible) {
            *node = ts_node_new(w->tree, child, at, alias);
            TSSymbol sym = alias ? alias : ts_subtree_symbol(*child);
            *symbol = sym == ts_builtin_sym_error ? sym : w->tree->language->public_symbol_map[sym];
            *depth = d;
            push(w, *child, at, d + 1);
            return 1;
        }
        /* a hidden node: its visible descendants stand in its place */
        if (ts_subtree_visible_child_count(*child) > 0) push(w, *child, at, d);
    }
    return 0;
}
