# SPDX-License-Identifier: Apache-2.0
# warden_add_module(<name> SOURCES ... DEPS ...)   -> static library warden_<name>, alias warden::<name>
# warden_add_test(<name> SOURCES ... DEPS ...)     -> gtest executable <name>, discovered by ctest
# warden_add_fuzzer(<name> SOURCE x.cpp CORPUS dir DEPS ...)
#     clang fuzz preset: a libFuzzer binary; elsewhere: a replay binary plus a ctest that runs it
#     over every file of CORPUS, so the corpus is exercised in every build.
# warden_add_bench(<name> SOURCES ... DEPS ...)    -> Google Benchmark binary (WARDEN_BENCH only)

function(warden_add_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(warden_${name} STATIC ${ARG_SOURCES})
  add_library(warden::${name} ALIAS warden_${name})
  target_include_directories(warden_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(warden_${name} PRIVATE ${WARDEN_WARNING_FLAGS})
  target_link_libraries(warden_${name} PUBLIC tl::expected ${ARG_DEPS})
endfunction()

function(warden_add_test name)
  if(NOT WARDEN_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_compile_options(${name} PRIVATE ${WARDEN_WARNING_FLAGS})
  target_compile_definitions(${name} PRIVATE WARDEN_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
    PROPERTIES ENVIRONMENT "WARDEN_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()

function(warden_add_fuzzer name)
  cmake_parse_arguments(ARG "" "SOURCE;CORPUS" "DEPS" ${ARGN})
  if(WARDEN_FUZZ)
    add_executable(${name} ${ARG_SOURCE})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    # scripts/fuzz.sh reads this list: "<binary> <corpus>" per line.
    file(APPEND ${PROJECT_BINARY_DIR}/fuzz_targets.txt
         "${CMAKE_CURRENT_BINARY_DIR}/${name} ${ARG_CORPUS}\n")
  else()
    if(NOT WARDEN_TESTS)
      return()
    endif()
    add_executable(${name} ${ARG_SOURCE} ${PROJECT_SOURCE_DIR}/fuzz/replay_main.cpp)
    add_test(NAME ${name}.corpus_replay COMMAND ${name} ${ARG_CORPUS})
  endif()
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/fuzz)
  target_compile_options(${name} PRIVATE ${WARDEN_WARNING_FLAGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
endfunction()

function(warden_add_bench name)
  if(NOT WARDEN_BENCH)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark benchmark::benchmark_main)
endfunction()
