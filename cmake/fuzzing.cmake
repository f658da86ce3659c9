# PARDNER_FUZZ: builds the libFuzzer targets of tests/fuzz/ (./ops/fuzz, docs/fuzzing.md). Clang
# only, in a build dir of its own (build-fuzz/): every target of ours is compiled with coverage
# instrumentation for the fuzzer (-fsanitize=fuzzer-no-link) under AddressSanitizer and
# UndefinedBehaviorSanitizer, and the fuzz targets link libFuzzer's own main. Without it (the
# normal build) the same targets are built with a small driver that replays the committed
# corpora under ctest (label fuzz_corpus), so the normal build is unaffected.
option(PARDNER_FUZZ "Build the libFuzzer targets of tests/fuzz (clang only; ./ops/fuzz)" OFF)

if(NOT PARDNER_FUZZ)
  return()
endif()
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "PARDNER_FUZZ needs clang (libFuzzer), not ${CMAKE_CXX_COMPILER_ID}: "
                      "configure with -DCMAKE_CXX_COMPILER=clang++ (./ops/fuzz does)")
endif()
if(NOT PARDNER_SANITIZE STREQUAL "")
  message(FATAL_ERROR "PARDNER_FUZZ brings its own sanitizers; leave PARDNER_SANITIZE empty")
endif()

# As in cmake/sanitizers.cmake: undefined behaviour ends the run like a memory error does, so the
# fuzzer records the input instead of printing a line nobody reads.
set(pardner_fuzz_sanitizers -fsanitize=address,undefined -fno-sanitize-recover=all)
add_compile_options(-fsanitize=fuzzer-no-link ${pardner_fuzz_sanitizers} -fno-omit-frame-pointer
                    -g1)
add_link_options(${pardner_fuzz_sanitizers})
