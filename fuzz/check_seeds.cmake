# The committed seed corpora are exactly what the seed tool writes from the
# current table of property-set cases.
# cmake -DSEED_TOOL=<fuzz_seed_corpus> -DCOMMITTED=<fuzz/corpus> -DSCRATCH=<dir> -P check_seeds.cmake
file(REMOVE_RECURSE ${SCRATCH})
execute_process(COMMAND ${SEED_TOOL} ${SCRATCH} RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "the seed tool failed (exit ${result})")
endif()
file(GLOB_RECURSE generated RELATIVE ${SCRATCH} ${SCRATCH}/*)
file(GLOB_RECURSE committed RELATIVE ${COMMITTED} ${COMMITTED}/*)
list(SORT generated)
list(SORT committed)
if(NOT generated STREQUAL committed)
    message(FATAL_ERROR "fuzz/corpus lists other files than the seed tool writes; regenerate it (fuzz/README.md)")
endif()
foreach(file ${generated})
    file(SHA256 ${SCRATCH}/${file} new_hash)
    file(SHA256 ${COMMITTED}/${file} old_hash)
    if(NOT new_hash STREQUAL old_hash)
        message(FATAL_ERROR "fuzz/corpus/${file} differs from what the seed tool writes; "
                            "regenerate it (fuzz/README.md)")
    endif()
endforeach()
