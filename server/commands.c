/*
 * commands.c — the table of faultline's subcommands. Each command lives in its own file
 * (cmd_<name>.c) and is listed here once; `help` and dispatch read this table.
 */
#include "fl_server.h"

#include <string.h>

const fl_command fl_commands[] = {
    {NULL, NULL, NULL, NULL},
};

const fl_command *fl_command_find(const char *name) {
    for (const fl_command *c = fl_commands; c->name; c++)
        if (strcmp(c->name, name) == 0) return c;
    return NULL;
}
