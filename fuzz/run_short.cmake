# ctest's short run of one fuzz target: a fresh scratch corpus (where
# libFuzzer writes what it finds new, so the committed seeds stay as they
# are), the seeds, SECONDS of fuzzing; any finding fails.
# cmake -DTARGET=<fuzzer> -DSEEDS=<dir> -DSCRATCH=<dir> -DSECONDS=<n> -P run_short.cmake
file(REMOVE_RECURSE ${SCRATCH})
file(MAKE_DIRECTORY ${SCRATCH}/corpus ${SCRATCH}/artifacts)
execute_process(COMMAND ${TARGET} -max_total_time=${SECONDS} -runs=1000000000 -print_final_stats=1
                        -artifact_prefix=${SCRATCH}/artifacts/ ${SCRATCH}/corpus ${SEEDS}
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    file(GLOB findings ${SCRATCH}/artifacts/*)
    message(FATAL_ERROR "${TARGET} found something (exit ${result}): ${findings}")
endif()
