# cmocka-mingw.cmake - build cmocka for Windows (MinGW-w64) from Debian's
# cmocka source package (scripts/fetch-debian-source.sh).
#
# Input:  CMOCKA_SOURCE_DIR  the extracted source (holds src/cmocka.c and
#                            include/cmocka.h), e.g. HTTPAPI_CACHE_DIR/sources/cmocka-src.
# Output: STATIC library target `cmocka_win`, built from the one file
#         src/cmocka.c; its PUBLIC include directory is
#         ${CMOCKA_SOURCE_DIR}/include.  Nothing else to link: cmocka only
#         needs the C runtime and kernel32, which MinGW links by default.
#
# The same recipe by hand (one compiler call and ar per arch; TRIPLET is
# x86_64-w64-mingw32 or i686-w64-mingw32):
#   TRIPLET-gcc -std=c11 -O2 -Wall -Wextra -Werror -Wno-format \
#       -DHAVE_MALLOC_H -DHAVE_INTTYPES_H -DHAVE_SIGNAL_H -DHAVE_STRINGS_H \
#       -DHAVE_STRUCT_TIMESPEC -DHAVE_GCC_THREAD_LOCAL_STORAGE \
#       -I"$CMOCKA_SOURCE_DIR/include" -c "$CMOCKA_SOURCE_DIR/src/cmocka.c" -o cmocka.o
#   TRIPLET-ar rcs libcmocka_win.a cmocka.o
#
# Why these definitions: they are what cmocka's own CMake configure finds
# with the MinGW-w64 cross compilers (its generated config.h), restricted to
# the HAVE_* macros that cmocka.c and cmocka_private.h actually test outside
# `#ifdef _MSC_VER`.  No config.h is generated: HAVE_CONFIG_H stays
# undefined and the macros are passed with -D.  Deliberately absent:
#   HAVE_CLOCK_GETTIME / HAVE_CLOCK_REALTIME - clock_gettime lives in
#     libwinpthread (cmocka's configure does not find it either); without
#     them per-test run times are reported as 0, which only the XML/subunit
#     outputs show.
#   HAVE_SIGLONGJMP - Windows has only setjmp/longjmp.
# None of the macros is needed to compile; without them cmocka.c still builds.
#
# Warnings: with -Wall -Wextra the file compiles clean except for one
# -Wformat warning (src/cmocka.c:2178, "%zu" checked against the ms_printf
# archetype that GCC uses for __printf__ on MinGW), so -Wno-format is added
# for this target only.  -Wno-error keeps warnings that stricter project
# flags might add later (e.g. -Wpedantic: "ISO C does not support the 'I64'
# ms_printf length modifier") from failing the build of third-party code.
#
# __USE_MINGW_ANSI_STDIO is left as the toolchain default (msvcrt printf):
# Wine's msvcrt prints the %zu, %Id and %I64x that cmocka uses correctly.

if(TARGET cmocka_win)
    return()
endif()

if(NOT CMOCKA_SOURCE_DIR OR NOT EXISTS "${CMOCKA_SOURCE_DIR}/src/cmocka.c"
   OR NOT EXISTS "${CMOCKA_SOURCE_DIR}/include/cmocka.h")
    message(FATAL_ERROR
        "cmocka-mingw.cmake: CMOCKA_SOURCE_DIR (\"${CMOCKA_SOURCE_DIR}\") does not hold "
        "cmocka's source (src/cmocka.c, include/cmocka.h); run "
        "scripts/fetch-debian-source.sh cmocka DESTDIR src/cmocka.c include/cmocka.h")
endif()

if(NOT WIN32)
    message(WARNING "cmocka-mingw.cmake is meant for a Windows (MinGW-w64) toolchain")
endif()

add_library(cmocka_win STATIC "${CMOCKA_SOURCE_DIR}/src/cmocka.c")
target_include_directories(cmocka_win PUBLIC "${CMOCKA_SOURCE_DIR}/include")
target_compile_definitions(cmocka_win PRIVATE
    HAVE_MALLOC_H
    HAVE_INTTYPES_H
    HAVE_SIGNAL_H
    HAVE_STRINGS_H
    HAVE_STRUCT_TIMESPEC
    HAVE_GCC_THREAD_LOCAL_STORAGE)
if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(cmocka_win PRIVATE -Wno-format -Wno-clobbered -Wno-error)
endif()
set_target_properties(cmocka_win PROPERTIES
    OUTPUT_NAME cmocka_win
    ARCHIVE_OUTPUT_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}/cmocka_win")
