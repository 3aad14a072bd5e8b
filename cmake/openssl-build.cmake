# openssl-build.cmake - configure, build and install OpenSSL's static
# libraries for MinGW-w64; run by the custom command of
# cmake/openssl-mingw.cmake at build time.
#
# cmake -DSOURCE_DIR=<Debian openssl source> -DBUILD_DIR=<scratch tree>
#       -DINSTALL_DIR=<include/ and lib/ go here> -DOPTIONS_FILE=<file>
#       -DSTAMP=<file> -DPERL=<perl> -DMAKE=<make> -DJOBS=<n>
#       -P openssl-build.cmake
#
# OPTIONS_FILE holds the Configure arguments, one a line.  STAMP is written
# with the same content once the install is complete, so an install whose
# stamp matches the options is left as it is.  The install is shared by
# build trees (cmake/openssl-mingw.cmake): one build of it at a time, and
# one that waited finds the stamp.

cmake_minimum_required(VERSION 3.21)

foreach(var SOURCE_DIR BUILD_DIR INSTALL_DIR OPTIONS_FILE STAMP PERL MAKE JOBS)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "openssl-build.cmake: ${var} is not set")
    endif()
endforeach()

file(LOCK ${INSTALL_DIR}.lock TIMEOUT 3600)
file(READ ${OPTIONS_FILE} options_text)
set(libraries ${INSTALL_DIR}/lib/libssl.a ${INSTALL_DIR}/lib/libcrypto.a)
if(EXISTS ${STAMP})
    file(READ ${STAMP} stamp_text)
    if(stamp_text STREQUAL options_text AND EXISTS ${INSTALL_DIR}/lib/libssl.a
       AND EXISTS ${INSTALL_DIR}/lib/libcrypto.a)
        return()
    endif()
endif()

string(REPLACE "\n" ";" configure_arguments "${options_text}")
list(FILTER configure_arguments EXCLUDE REGEX "^(#.*)?$")
list(JOIN configure_arguments " " configure_line)

file(REMOVE ${STAMP})
file(REMOVE_RECURSE ${BUILD_DIR} ${INSTALL_DIR}/include/openssl ${INSTALL_DIR}/lib)
file(MAKE_DIRECTORY ${BUILD_DIR})
set(log ${INSTALL_DIR}/openssl-build.log)
file(WRITE ${log} "")

# The paths OpenSSL compiles in for its configuration file, engines and
# provider modules. The Unix defaults under the build prefix would be
# relative to the current drive on Windows, where anyone may create them;
# these are OpenSSL's own Windows defaults, writable only by
# administrators. (Nothing is loaded from them by default: the build has
# no-autoload-config, no-module and no-engine.)
set(compiled_in_paths
    "OPENSSLDIR=C:/Program Files/Common Files/SSL"
    "ENGINESDIR=C:/Program Files/OpenSSL/lib/engines-3"
    "MODULESDIR=C:/Program Files/OpenSSL/lib/ossl-modules")

# OpenSSL is built with its own flags: none of ours, none from the
# environment, and its make is not a part of the calling make's jobserver.
set(clean_environment ${CMAKE_COMMAND} -E env --unset=CC --unset=CFLAGS --unset=CPPFLAGS
    --unset=LDFLAGS --unset=LDLIBS --unset=CROSS_COMPILE --unset=MAKEFLAGS --unset=MFLAGS
    --unset=MAKELEVEL)

function(run_step what)
    string(TIMESTAMP started "%s")
    file(APPEND ${log} "=== ${what}\n")
    execute_process(COMMAND ${clean_environment} ${ARGN}
                    WORKING_DIRECTORY ${BUILD_DIR}
                    OUTPUT_VARIABLE output ERROR_VARIABLE output
                    RESULT_VARIABLE result)
    file(APPEND ${log} "${output}")
    string(TIMESTAMP finished "%s")
    math(EXPR seconds "${finished} - ${started}")
    message(STATUS "OpenSSL: ${what}: ${seconds} s")
    if(NOT result EQUAL 0)
        string(LENGTH "${output}" length)
        if(length GREATER 4000)
            math(EXPR from "${length} - 4000")
            string(SUBSTRING "${output}" ${from} -1 output)
        endif()
        message(FATAL_ERROR "OpenSSL: ${what} failed (${result}); the end of its output "
                            "(all of it in ${log}):\n${output}")
    endif()
endfunction()

run_step("Configure ${configure_line}"
         ${PERL} ${SOURCE_DIR}/Configure ${configure_arguments} --prefix=${INSTALL_DIR})
# i686: Debian's pic.patch (for its ELF i386 build) makes x86cpuid.pl declare
# OPENSSL_ia32cap_P `.hidden`, a directive COFF assemblers do not have.
# Generated without it, the file is what upstream's script writes (a symbol
# without a definition is external in gas).
list(GET configure_arguments 0 target)
if(target STREQUAL "mingw")
    run_step("make crypto/x86cpuid.S" ${MAKE} crypto/x86cpuid.S)
    file(READ ${BUILD_DIR}/crypto/x86cpuid.S assembly)
    string(REGEX REPLACE "\n\\.hidden[ \t][^\n]*" "" assembly "\n${assembly}")
    string(SUBSTRING "${assembly}" 1 -1 assembly)
    file(WRITE ${BUILD_DIR}/crypto/x86cpuid.S "${assembly}")
endif()
run_step("make build_libs" ${MAKE} -j${JOBS} build_libs ${compiled_in_paths})
run_step("make install_dev" ${MAKE} install_dev ${compiled_in_paths})

foreach(library ${libraries})
    if(NOT EXISTS ${library})
        message(FATAL_ERROR "OpenSSL: make install_dev did not install ${library}")
    endif()
endforeach()
# The objects are no longer needed: only the install is kept.
file(REMOVE_RECURSE ${BUILD_DIR})
file(WRITE ${STAMP} "${options_text}")
