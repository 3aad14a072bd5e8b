# openssl-mingw.cmake - OpenSSL's static libraries for the DLL, cross-built
# for MinGW-w64 from Debian's openssl source package
# (scripts/fetch-debian-source.sh) at build time; see docs/tls-library.md.
#
# Input:  OPENSSL_SOURCE_DIR  the extracted source (holds Configure),
#                             e.g. HTTPAPI_CACHE_DIR/sources/openssl-src.
#         MINGW_TRIPLET       from the toolchain file.
#         HTTPAPI_CACHE_DIR   the machine-wide cache (CMakeLists.txt).
# Output: target `openssl_mingw` (builds and installs OpenSSL into
#         OPENSSL_MINGW_ROOT: include/ and lib/), and the imported
#         STATIC targets OpenSSL::SSL and OpenSSL::Crypto - the names
#         FindOpenSSL gives the host's libssl-dev - with the include
#         directory and the Windows libraries libcrypto needs.
#
# Cached once per machine: OPENSSL_MINGW_ROOT is
# HTTPAPI_CACHE_DIR/openssl/<key>, the key a hash of what the install is
# built from (the Configure arguments, the source tree and its version, the
# cross compiler's version, openssl-build.cmake), so every build tree and
# fresh clone with the same inputs shares one install, and a change of any
# input builds another. The stamp openssl-options.stamp says the install is
# complete; builds of one key take turns (openssl-build.cmake locks).  The same recipe by hand, in an empty directory (TRIPLET
# x86_64-w64-mingw32 with target mingw64, i686-w64-mingw32 with mingw):
#   perl $OPENSSL_SOURCE_DIR/Configure mingw64 --cross-compile-prefix=TRIPLET- \
#       <OPENSSL_MINGW_OPTIONS> --prefix=$PWD/install
#   make -j$(nproc) build_libs && make install_dev

if(TARGET openssl_mingw)
    return()
endif()
if(NOT EXISTS "${OPENSSL_SOURCE_DIR}/Configure")
    message(FATAL_ERROR "openssl-mingw.cmake: OPENSSL_SOURCE_DIR (\"${OPENSSL_SOURCE_DIR}\") does not hold "
                        "OpenSSL's source (Configure); run scripts/fetch-debian-source.sh")
endif()
find_program(OPENSSL_PERL perl REQUIRED)
find_program(OPENSSL_MAKE NAMES gmake make REQUIRED)
include(ProcessorCount)
ProcessorCount(OPENSSL_BUILD_JOBS)
if(OPENSSL_BUILD_JOBS EQUAL 0)
    set(OPENSSL_BUILD_JOBS 1)
endif()

if(CMAKE_SYSTEM_PROCESSOR STREQUAL "x86_64")
    set(openssl_target mingw64)
else()
    set(openssl_target mingw)
endif()

# TLS 1.2 and 1.3 server with the usual ciphers, X.509 and the key formats
# Windows hands out; what the DLL does not use is left out to keep the build
# short. Not no-rsa/no-ec/no-dh: certificates use them. The MSBLOB decoder
# (CryptoAPI PRIVATEKEYBLOBs) is built whatever the options.
set(OPENSSL_MINGW_OPTIONS
    no-shared no-tests no-engine no-dso no-legacy no-module no-autoload-config
    no-ui-console no-srp no-ct no-cms no-comp no-ocsp no-ts no-idea no-camellia no-seed no-md4
    no-rc2 no-rc4 no-rc5 no-mdc2 no-whirlpool no-bf no-cast no-des no-dsa no-sm2 no-sm3 no-sm4
    no-aria no-siphash no-scrypt no-gost no-ssl3 no-dtls no-psk no-weak-ssl-ciphers no-async
    --libdir=lib)

# What the install is built from. Lines starting with # are not passed to
# Configure.
get_filename_component(openssl_real_source ${OPENSSL_SOURCE_DIR} REALPATH)
file(SHA256 ${CMAKE_CURRENT_LIST_DIR}/openssl-build.cmake openssl_script_hash)
string(REPLACE ";" "\n" openssl_option_lines "${openssl_target};--cross-compile-prefix=${MINGW_TRIPLET}-;${OPENSSL_MINGW_OPTIONS}")
set(openssl_options_text "# source: ${openssl_real_source}
# compiler: ${CMAKE_C_COMPILER} ${CMAKE_C_COMPILER_VERSION}
# recipe: openssl-build.cmake ${openssl_script_hash}
${openssl_option_lines}
")
string(SHA256 openssl_key "${openssl_options_text}")
string(SUBSTRING ${openssl_key} 0 16 openssl_key)
get_filename_component(openssl_version ${openssl_real_source} NAME)
set(OPENSSL_MINGW_ROOT ${HTTPAPI_CACHE_DIR}/openssl/${openssl_version}-${MINGW_TRIPLET}-${openssl_key})
set(openssl_build_dir ${OPENSSL_MINGW_ROOT}/build)
set(openssl_options_file ${OPENSSL_MINGW_ROOT}/openssl-options.txt)
set(openssl_stamp ${OPENSSL_MINGW_ROOT}/openssl-options.stamp)
set(openssl_libraries ${OPENSSL_MINGW_ROOT}/lib/libssl.a ${OPENSSL_MINGW_ROOT}/lib/libcrypto.a)
# file(CONFIGURE) rewrites the file only when it changes.
file(CONFIGURE OUTPUT ${openssl_options_file} @ONLY CONTENT "${openssl_options_text}")

# The build tree's own stamp is the command's output, so that cleaning a
# build tree never deletes the shared install.
set(openssl_ready ${CMAKE_BINARY_DIR}/openssl-${openssl_key}.ready)
add_custom_command(OUTPUT ${openssl_ready}
    COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${openssl_real_source} -DBUILD_DIR=${openssl_build_dir}
            -DINSTALL_DIR=${OPENSSL_MINGW_ROOT} -DOPTIONS_FILE=${openssl_options_file}
            -DSTAMP=${openssl_stamp} -DPERL=${OPENSSL_PERL} -DMAKE=${OPENSSL_MAKE}
            -DJOBS=${OPENSSL_BUILD_JOBS} -P ${CMAKE_CURRENT_LIST_DIR}/openssl-build.cmake
    COMMAND ${CMAKE_COMMAND} -E touch ${openssl_ready}
    DEPENDS ${openssl_options_file} ${CMAKE_CURRENT_LIST_DIR}/openssl-build.cmake
    COMMENT "OpenSSL for ${MINGW_TRIPLET} (${openssl_target}) in ${OPENSSL_MINGW_ROOT} (built once per machine; log in openssl-build.log there)"
    VERBATIM)
add_custom_target(openssl_mingw DEPENDS ${openssl_ready})

# Imported targets need their include directory to exist when CMake
# generates; it is filled at build time.
file(MAKE_DIRECTORY ${OPENSSL_MINGW_ROOT}/include)
add_library(OpenSSL::Crypto STATIC IMPORTED GLOBAL)
set_target_properties(OpenSSL::Crypto PROPERTIES
    IMPORTED_LOCATION ${OPENSSL_MINGW_ROOT}/lib/libcrypto.a
    INTERFACE_INCLUDE_DIRECTORIES ${OPENSSL_MINGW_ROOT}/include
    # What libcrypto calls in Windows: sockets (BIO), the certificate store,
    # CryptoAPI random numbers, and the service checks of its error
    # reporting.
    INTERFACE_LINK_LIBRARIES "ws2_32;crypt32;advapi32;user32")
add_dependencies(OpenSSL::Crypto openssl_mingw)
add_library(OpenSSL::SSL STATIC IMPORTED GLOBAL)
set_target_properties(OpenSSL::SSL PROPERTIES
    IMPORTED_LOCATION ${OPENSSL_MINGW_ROOT}/lib/libssl.a
    INTERFACE_INCLUDE_DIRECTORIES ${OPENSSL_MINGW_ROOT}/include
    INTERFACE_LINK_LIBRARIES OpenSSL::Crypto)
add_dependencies(OpenSSL::SSL openssl_mingw)
