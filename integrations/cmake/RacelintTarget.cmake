# RacelintTarget.cmake: run racelint on a CMake project from its own build.
#
#   list(APPEND CMAKE_MODULE_PATH /path/to/racelint/integrations/cmake)
#   include(RacelintTarget)          # before add_executable/add_library
#   ...
#   racelint_add_target()            # `cmake --build build --target racelint`
#   racelint_add_test()              # `ctest` fails when racelint finds races
#
# The module turns on CMAKE_EXPORT_COMPILE_COMMANDS, so the build folder
# holds the compile_commands.json that racelint reads (-p): racelint sees
# every file with the flags the build uses, and nothing is compiled twice.
#
# racelint_add_target([TARGET name] [FORMAT text|json|sarif|codequality]
#                     [OUTPUT file] [DATABASE file] [ALL]
#                     [DEPENDS target...] [ARGS arg...])
#   TARGET    the target's name (default: racelint)
#   FORMAT    report format (default: text, printed in the build log)
#   OUTPUT    write the report to this file instead of the build log
#   DATABASE  findings database (default: <build>/racelint/racelint.db)
#   ALL       run it as part of the default build
#   DEPENDS   targets to build first (generated headers, say)
#   ARGS      more racelint options, e.g. --max-parse-failures 0
# The target fails when racelint exits non-zero: 1 findings, 2 usage or
# input error, 3 analysis incomplete (see docs/ci.md).
#
# racelint_add_test([NAME name] [ARGS arg...])
#   A ctest test running `racelint check -p <build> --no-db -q`; it fails
#   on findings.
#
# RACELINT_EXECUTABLE names the racelint binary (default: found on PATH).

include_guard(GLOBAL)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
find_program(RACELINT_EXECUTABLE NAMES racelint DOC "racelint, the static data-race detector")

function(_racelint_require)
  if(NOT RACELINT_EXECUTABLE)
    message(FATAL_ERROR "racelint not found: put it on PATH or pass -DRACELINT_EXECUTABLE=/path/to/racelint")
  endif()
endfunction()

function(racelint_add_target)
  cmake_parse_arguments(RL "ALL" "TARGET;FORMAT;OUTPUT;DATABASE" "DEPENDS;ARGS" ${ARGN})
  _racelint_require()
  if(NOT RL_TARGET)
    set(RL_TARGET racelint)
  endif()
  if(NOT RL_FORMAT)
    set(RL_FORMAT text)
  endif()
  if(NOT RL_DATABASE)
    set(RL_DATABASE ${CMAKE_BINARY_DIR}/racelint/racelint.db)
  endif()
  get_filename_component(_db_dir ${RL_DATABASE} DIRECTORY)
  set(_cmd ${RACELINT_EXECUTABLE} check -p ${CMAKE_BINARY_DIR} --db ${RL_DATABASE}
           --src-root ${CMAKE_SOURCE_DIR} --format ${RL_FORMAT})
  if(RL_OUTPUT)
    list(APPEND _cmd -o ${RL_OUTPUT})
  endif()
  list(APPEND _cmd ${RL_ARGS})
  set(_all "")
  if(RL_ALL)
    set(_all ALL)
  endif()
  add_custom_target(${RL_TARGET} ${_all}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_db_dir}
    COMMAND ${_cmd}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
    COMMENT "racelint: looking for data races in ${PROJECT_NAME}"
    VERBATIM USES_TERMINAL)
  if(RL_DEPENDS)
    add_dependencies(${RL_TARGET} ${RL_DEPENDS})
  endif()
endfunction()

function(racelint_add_test)
  cmake_parse_arguments(RL "" "NAME" "ARGS" ${ARGN})
  _racelint_require()
  if(NOT RL_NAME)
    set(RL_NAME racelint)
  endif()
  add_test(NAME ${RL_NAME}
    COMMAND ${RACELINT_EXECUTABLE} check -p ${CMAKE_BINARY_DIR} --no-db -q --src-root ${CMAKE_SOURCE_DIR} ${RL_ARGS}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endfunction()
