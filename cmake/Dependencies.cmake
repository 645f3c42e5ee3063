# Finds faultline's dependencies and stops with the command that installs a missing one.
#  - jansson, libgit2, pcre2: Debian -dev packages through pkg-config.
#  - tree-sitter runtime + grammars: pinned npm packages in node_modules/, compiled here.
find_package(PkgConfig)
if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "pkg-config is missing. Install it with: sudo apt-get install -y pkg-config  (or run scripts/setup)")
endif()

function(fl_require_pkg var module debpkg)
  pkg_check_modules(${var} IMPORTED_TARGET ${module})
  if(NOT ${var}_FOUND)
    message(FATAL_ERROR "${module} is missing. Install it with: sudo apt-get install -y ${debpkg}  (or run scripts/setup)")
  endif()
  set(${var}_VERSION "${${var}_VERSION}" PARENT_SCOPE)
endfunction()

fl_require_pkg(JANSSON jansson libjansson-dev)
fl_require_pkg(LIBGIT2 libgit2 libgit2-dev)
fl_require_pkg(PCRE2 libpcre2-8 libpcre2-dev)

# libgit2 is loaded when first needed (analyzers/git_lazy.c), by its soname, read here from
# the library pkg-config points at.
pkg_get_variable(_git2_libdir libgit2 libdir)
get_filename_component(_git2_so "${_git2_libdir}/libgit2.so" REALPATH)
execute_process(COMMAND objdump -p "${_git2_so}" OUTPUT_VARIABLE _git2_dyn ERROR_QUIET)
string(REGEX MATCH "SONAME +([^ \n]+)" _ "${_git2_dyn}")
set(FL_LIBGIT2_SONAME "${CMAKE_MATCH_1}")
if(NOT FL_LIBGIT2_SONAME)
  message(FATAL_ERROR "Cannot read libgit2's soname from ${_git2_so} (objdump -p). Install binutils and libgit2-dev  (or run scripts/setup)")
endif()

set(FL_NODE_MODULES "${PROJECT_SOURCE_DIR}/node_modules" CACHE PATH "Where npm ci put the pinned tree-sitter packages")
set(FL_TS_DIR "${FL_NODE_MODULES}/tree-sitter/vendor/tree-sitter/lib")
if(NOT EXISTS "${FL_TS_DIR}/src/lib.c")
  message(FATAL_ERROR "The tree-sitter runtime sources are missing (${FL_TS_DIR}/src/lib.c). Install them with: npm ci --ignore-scripts  (in ${PROJECT_SOURCE_DIR}, or run scripts/setup)")
endif()
file(READ "${FL_NODE_MODULES}/tree-sitter/package.json" _ts_pkg)
string(JSON FL_TREE_SITTER_VERSION GET "${_ts_pkg}" version)
