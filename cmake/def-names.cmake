# Reads the export names of def/httpapi.def into DEF_NAMES.
file(STRINGS ${DEF} def_lines REGEX "^Http")
set(DEF_NAMES "")
foreach(line ${def_lines})
    string(STRIP "${line}" name)
    list(APPEND DEF_NAMES ${name})
endforeach()
