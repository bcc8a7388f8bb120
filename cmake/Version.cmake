# The git sha is read at configure time; a tree without git reports "unknown".
find_package(Git QUIET)
set(FIELDFORGE_GIT_SHA "unknown")
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short=12 HEAD
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    OUTPUT_VARIABLE sha OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
  if(rc EQUAL 0)
    set(FIELDFORGE_GIT_SHA ${sha})
  endif()
endif()
