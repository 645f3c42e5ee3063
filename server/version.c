/*
 * version.c — `faultline --version`: faultline's own version and, for each library it was
 * built with, the version compiled against and (where the library can say) the one loaded.
 */
#include "fl_server.h"
#include "fl_grammars.h"

#include <git2.h>
#include <jansson.h>
#include <pcre2.h>

void fl_version_print(FILE *out) {
    fprintf(out, "faultline %s\n", FL_VERSION);
    fprintf(out, "  tree-sitter %s (language ABI %d, oldest accepted %d)\n",
            fl_grammar_runtime_version(), TREE_SITTER_LANGUAGE_VERSION,
            TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION);
    fprintf(out, "  jansson %s (built with %s)\n", jansson_version_str(), JANSSON_VERSION);
    int major = 0, minor = 0, rev = 0;
    git_libgit2_version(&major, &minor, &rev);
    fprintf(out, "  libgit2 %d.%d.%d (built with %s)\n", major, minor, rev, LIBGIT2_VERSION);
    char pcre_version[64] = "";
    pcre2_config(PCRE2_CONFIG_VERSION, pcre_version);
    fprintf(out, "  pcre2 %s (built with %d.%d)\n", pcre_version, PCRE2_MAJOR, PCRE2_MINOR);
}
