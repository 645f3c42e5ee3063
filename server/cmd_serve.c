/*
 * cmd_serve.c — `faultline serve`: the language server on stdin/stdout (LSP 3.17).
 * Accepts and ignores `--stdio` (VS Code's client adds it) and other `--flag[=value]`
 * arguments editors pass; everything else is in lsp_server.c.
 */
#include "fl_server.h"
#include "lsp.h"

#include <string.h>
#include <unistd.h>

const char fl_serve_usage[] =
    "usage: faultline serve [--stdio]\n"
    "\n"
    "Runs the language server (LSP 3.17, JSON-RPC with Content-Length framing) on stdin and\n"
    "stdout. Editors start it; it reads the workspace folders the editor names, publishes\n"
    "diagnostics for distributed-systems risk sites with their coverage, and answers\n"
    "hover, code lens, code actions and the faultline/ requests. faultline/run works only\n"
    "when the client sets initializationOptions.allowExecution.\n"
    "--stdio and other --flags an editor adds (--clientProcessId=N, ...) are accepted and\n"
    "ignored. Exit: 0 after shutdown then exit, 1 after exit alone or end of input.\n";

int fl_cmd_serve(int argc, char **argv) {
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) == 0) continue; /* --stdio, --clientProcessId=.. */
        return fl_cli_usage_error("serve", "unexpected argument '%s'", argv[i]);
    }
    return lsp_serve(STDIN_FILENO, STDOUT_FILENO);
}
