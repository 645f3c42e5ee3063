/*
 * cmd_serve.c — `faultline serve`: the language server on stdin/stdout (LSP 3.17).
 * Accepts and ignores `--stdio` (VS Code's client adds it) and `--clientProcessId`; other
 * flags are bad usage (exit 2) like for every command; everything else is in lsp_server.c.
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
    "--stdio (VS Code adds it) and --clientProcessId=N are accepted and ignored; other\n"
    "transports (--socket, --pipe) are not supported. Exit: 0 after shutdown then exit, 1\n"
    "after exit alone or end of input.\n";

int fl_cmd_serve(int argc, char **argv) {
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--stdio") == 0) continue;
        /* vscode-languageclient adds --clientProcessId=N for node servers; harmless. */
        if (strncmp(a, "--clientProcessId", 17) == 0) {
            if (a[17] == '\0' && i + 1 < argc) i++;
            continue;
        }
        if (strncmp(a, "--socket", 8) == 0 || strncmp(a, "--pipe", 6) == 0 ||
            strncmp(a, "--node-ipc", 10) == 0 || strncmp(a, "--port", 6) == 0)
            return fl_cli_usage_error("serve", "'%s': only the stdio transport is supported", a);
        return fl_cli_usage_error("serve", "unknown option '%s'", a);
    }
    return lsp_serve(STDIN_FILENO, STDOUT_FILENO);
}
