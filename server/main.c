/*
 * main.c — the `faultline` executable: everything lives in fl_server (cli.c).
 */
#include "fl_server.h"

int main(int argc, char **argv) {
    return fl_cli_main(argc, argv);
}
