/*
 * args.c — one flag parser for every command: `--name VALUE`, `--name=VALUE`, `-n VALUE`,
 * switches, positional arguments anywhere, and `--` to end the flags. Problems come back
 * as a sentence in a->problem for the command to report with fl_cli_usage_error.
 */
#include "fl_server.h"

#include <string.h>

void fl_args_init(fl_args *a, int argc, char **argv) {
    memset(a, 0, sizeof *a);
    a->argc = argc;
    a->argv = argv;
}

static int take_value(fl_args *a, const fl_opt *opt, const char *inline_value,
                      const char *spelled) {
    if (!opt->takes_value) {
        if (inline_value) {
            snprintf(a->problem, sizeof a->problem, "option '%s' takes no value", spelled);
            return FL_ARGS_ERROR;
        }
        a->value = NULL;
        return 0;
    }
    if (inline_value) {
        a->value = inline_value;
        return 0;
    }
    if (a->index >= a->argc) {
        snprintf(a->problem, sizeof a->problem, "option '%s' needs a value", spelled);
        return FL_ARGS_ERROR;
    }
    a->value = a->argv[a->index++];
    return 0;
}

int fl_args_next(fl_args *a, const fl_opt *opts) {
    if (a->index >= a->argc) return FL_ARGS_END;
    char *arg = a->argv[a->index++];
    if (a->only_positional || arg[0] != '-' || arg[1] == '\0') {
        a->value = arg;
        return FL_ARGS_POSITIONAL;
    }
    if (strcmp(arg, "--") == 0) {
        a->only_positional = 1;
        return fl_args_next(a, opts);
    }
    if (arg[1] == '-') {
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        for (int i = 0; opts[i].name; i++) {
            if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0) {
                if (take_value(a, &opts[i], eq ? eq + 1 : NULL, arg) != 0) return FL_ARGS_ERROR;
                return i;
            }
        }
        snprintf(a->problem, sizeof a->problem, "unknown option '%.*s'", (int)(len + 2), arg);
        return FL_ARGS_ERROR;
    }
    if (arg[2] == '\0') {
        for (int i = 0; opts[i].name; i++) {
            if (opts[i].short_name && opts[i].short_name == arg[1]) {
                if (take_value(a, &opts[i], NULL, arg) != 0) return FL_ARGS_ERROR;
                return i;
            }
        }
    }
    snprintf(a->problem, sizeof a->problem, "unknown option '%s'", arg);
    return FL_ARGS_ERROR;
}
