/*
 * fl_server.h — faultline's front: the command line (and, with its issue, the language
 * server). `faultline serve` and the other commands call the same library functions.
 *
 * Commands are rows of one table (commands.c): name, one-line summary, usage text and an
 * entry point `int run(int argc, char **argv)` that receives the arguments after the
 * command name and returns the process exit code. Every command parses its flags with
 * fl_args_* and reports bad usage with fl_cli_usage_error, so all commands fail alike:
 * one line naming the problem, the usage on stderr, exit 2.
 */
#ifndef FL_SERVER_H
#define FL_SERVER_H

#include "fl_common.h"

#include <stdio.h>

/* Exit codes shared by every command (SPEC.md §2). */
enum {
    FL_EXIT_OK = 0,
    FL_EXIT_FOUND = 1,   /* a violation / a FAIL / --fail-on tripped */
    FL_EXIT_USAGE = 2,   /* bad input or bad usage */
    FL_EXIT_UNKNOWN = 3, /* a checker's budget ran out / nothing could run */
};

typedef struct fl_command {
    const char *name;
    const char *summary; /* one line for `faultline help` */
    const char *usage;   /* full usage text for `faultline help NAME` */
    int (*run)(int argc, char **argv);
} fl_command;

/* The command table, ending with a row whose name is NULL. */
extern const fl_command fl_commands[];
const fl_command *fl_command_find(const char *name);

/* The whole program: dispatch, help, --version. */
int fl_cli_main(int argc, char **argv);

/* Prints "faultline CMD: <message>" and the command's usage to stderr; returns 2. */
int fl_cli_usage_error(const char *command, const char *fmt, ...) FL_PRINTF(2, 3);
/* Prints an fl_error in the one error style; returns 2. */
int fl_cli_fail(const fl_error *err);

/* The version block of `faultline --version`. */
void fl_version_print(FILE *out);

/* ---- flag parsing ---------------------------------------------------------------------- */

typedef struct fl_opt {
    const char *name;  /* long name without dashes, e.g. "format" */
    char short_name;   /* e.g. 'o', or 0 */
    int takes_value;   /* 1: --name VALUE or --name=VALUE; 0: a switch */
} fl_opt;

typedef struct fl_args {
    int argc;
    char **argv;
    int index;          /* next argv element to read */
    int only_positional; /* set after "--" */
    const char *value;  /* the option's value, or the positional argument */
    char problem[256];  /* why FL_ARGS_ERROR was returned */
} fl_args;

enum { FL_ARGS_END = -1, FL_ARGS_POSITIONAL = -2, FL_ARGS_ERROR = -3 };

void fl_args_init(fl_args *a, int argc, char **argv);
/* Returns the index into `opts` (terminated by a row with name NULL) of the next option,
 * FL_ARGS_POSITIONAL with a->value set, FL_ARGS_END, or FL_ARGS_ERROR with a->problem. */
int fl_args_next(fl_args *a, const fl_opt *opts);

#endif
