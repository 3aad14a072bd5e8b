# Writes OUT: the names of DEF as the objects define them, i.e. with the
# stdcall @N suffix on i686, for dlltool to build the import library.
include(${CMAKE_CURRENT_LIST_DIR}/def-names.cmake)
string(REPLACE ";" " " object_list "${OBJECTS}")
execute_process(COMMAND ${NM} --defined-only -g ${OBJECTS}
                OUTPUT_VARIABLE symbols RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "${NM} failed on ${object_list}")
endif()
set(content "LIBRARY httpapi.dll\nEXPORTS\n")
foreach(name ${DEF_NAMES})
    string(REGEX MATCH " T _?${name}(@[0-9]+)?\n" found "${symbols}")
    if(NOT found)
        message(FATAL_ERROR "${name} is listed in ${DEF} but no object defines it")
    endif()
    string(APPEND content "${name}${CMAKE_MATCH_1}\n")
endforeach()
file(WRITE ${OUT} "${content}")
