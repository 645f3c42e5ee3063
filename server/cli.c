/*
 * cli.c — the command frame: `faultline COMMAND [ARGS]`, `faultline help [COMMAND]`,
 * `faultline --version`, and the one error style every command shares (a one-line message
 * then the usage on stderr, exit 2).
 */
#include "fl_server.h"

#include <malloc.h>
#include <stdarg.h>
#include <string.h>

static const char *program_usage = "usage: faultline COMMAND [OPTIONS] [ARGS]\n"
                                   "       faultline help [COMMAND]\n"
                                   "       faultline --version\n";

static void print_overview(FILE *out) {
    fputs("faultline finds where a distributed system can break, plans the tests that would\n"
          "prove it doesn't, runs them with real faults and checks the histories.\n\n",
          out);
    fputs(program_usage, out);
    fputs("\ncommands:\n", out);
    for (const fl_command *c = fl_commands; c->name; c++)
        fprintf(out, "  %-8s %s\n", c->name, c->summary);
    fputs("  help     show this text, or a command's usage\n", out);
    fputs("\nexit codes: 0 ok, 1 a violation or FAIL, 2 bad input or usage, 3 unknown "
          "(budget hit) or nothing could run\n",
          out);
}

int fl_cli_usage_error(const char *command, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "faultline%s%s: ", command ? " " : "", command ? command : "");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    const fl_command *c = command ? fl_command_find(command) : NULL;
    fputs(c ? c->usage : program_usage, stderr);
    return FL_EXIT_USAGE;
}

int fl_cli_fail(const fl_error *err) {
    fl_error_print(err, "faultline", stderr);
    return FL_EXIT_USAGE;
}

static int cmd_help(int argc, char **argv) {
    if (argc == 0) {
        print_overview(stdout);
        return FL_EXIT_OK;
    }
    if (argc > 1) return fl_cli_usage_error("help", "takes at most one command name");
    if (strcmp(argv[0], "help") == 0) {
        fputs("usage: faultline help [COMMAND]\n", stdout);
        return FL_EXIT_OK;
    }
    const fl_command *c = fl_command_find(argv[0]);
    if (!c) return fl_cli_usage_error(NULL, "unknown command '%s'", argv[0]);
    fprintf(stdout, "faultline %s — %s\n\n%s", c->name, c->summary, c->usage);
    return FL_EXIT_OK;
}

/* A batch command (everything but `serve`) lives for seconds and frees as it goes: glibc's
 * defaults would hand freed heap back to the kernel and fault it in again moments later
 * (a scan of a small tree spent a tenth of its time so). Keep it instead; the peak is
 * what it was. `serve` keeps the defaults: it runs for days. */
static void batch_malloc(void) {
    mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
    mallopt(M_TOP_PAD, 64 * 1024 * 1024);
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_MXFAST, 0);
}

int fl_cli_main(int argc, char **argv) {
    if (argc < 2) {
        print_overview(stderr);
        return FL_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0 || strcmp(cmd, "version") == 0) {
        if (argc > 2) return fl_cli_usage_error(NULL, "--version takes no arguments");
        fl_version_print(stdout);
        return FL_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
        return cmd_help(argc - 2, argv + 2);
    const fl_command *c = fl_command_find(cmd);
    if (!c) {
        if (cmd[0] == '-') return fl_cli_usage_error(NULL, "unknown option '%s'", cmd);
        return fl_cli_usage_error(NULL, "unknown command '%s'", cmd);
    }
    /* `faultline CMD --help` is help too, for every command. */
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fprintf(stdout, "faultline %s — %s\n\n%s", c->name, c->summary, c->usage);
            return FL_EXIT_OK;
        }
    }
    if (strcmp(c->name, "serve") != 0) batch_malloc();
    return c->run(argc - 2, argv + 2);
}
