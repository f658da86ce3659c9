# PARDNER_SANITIZE: builds every target (libraries, tests, benchmarks and the `pardner` binary)
# with a sanitizer. Included before the targets are defined, so one set of flags reaches all of
# them and the precompiled header is built with the same flags as the files that use it.
#   address  AddressSanitizer + LeakSanitizer + UndefinedBehaviorSanitizer (./ops/test --sanitize)
#   thread   ThreadSanitizer (./ops/test --sanitize=thread)
# Third-party code (OpenSSL, libsodium, SQLite, GoogleTest) comes from Debian and is not
# instrumented; its calls into libc and pthreads are still intercepted.
set(PARDNER_SANITIZE "" CACHE STRING "Sanitizer build: empty, address (ASan+UBSan) or thread")
set_property(CACHE PARDNER_SANITIZE PROPERTY STRINGS "" address thread)

if(PARDNER_SANITIZE STREQUAL "")
  return()
elseif(PARDNER_SANITIZE STREQUAL "address")
  # -fno-sanitize-recover=all: undefined behaviour ends the process like an ASan report does,
  # so it fails the test instead of printing a line nobody reads.
  set(pardner_sanitizer_flags -fsanitize=address,undefined -fno-sanitize-recover=all)
  # GCC's manual warns that sanitizers make -Wmaybe-uninitialized unreliable; under them GCC 12
  # flags boost::optional inside Beast's parser (tests/fuzz/http_request_fuzz.cc). Kept visible,
  # not an error here; the plain build, which CI runs, still fails on it.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    set(pardner_sanitizer_compile_only -Wno-error=maybe-uninitialized)
  endif()
elseif(PARDNER_SANITIZE STREQUAL "thread")
  set(pardner_sanitizer_flags -fsanitize=thread)
  # GCC 12's -Wtsan warns that TSan does not model atomic_thread_fence, which Boost.Asio's
  # std_fenced_block uses (docs/sanitizers.md says why that is harmless for how Asio uses it).
  # Kept visible, but not an error: -Werror would otherwise fail every file including Asio.
  # BOOST_ASIO_DISABLE_FENCED_BLOCK is not the answer: it changes Asio's synchronisation.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    set(pardner_sanitizer_compile_only -Wno-error=tsan)
  endif()
else()
  message(FATAL_ERROR "PARDNER_SANITIZE must be empty, address or thread, not '${PARDNER_SANITIZE}'")
endif()

# Frame pointers give whole stacks in reports; -g1 adds file:line to them at a fraction of -g's
# compile time and cache size.
add_compile_options(${pardner_sanitizer_flags} ${pardner_sanitizer_compile_only}
  -fno-omit-frame-pointer -g1)
add_link_options(${pardner_sanitizer_flags})

# Every executable gets the runtime defaults of cmake/sanitizer_options.cc (a report exits 66,
# TSan reads ops/sanitizers/tsan.supp), so a binary run by hand, by ctest or by an e2e test as
# a child process behaves the same. The environment (ASAN_OPTIONS, ...) still overrides them.
add_library(pardner_sanitizer_options OBJECT ${PROJECT_SOURCE_DIR}/cmake/sanitizer_options.cc)
target_compile_definitions(pardner_sanitizer_options PRIVATE
  PARDNER_TSAN_SUPPRESSIONS="${PROJECT_SOURCE_DIR}/ops/sanitizers/tsan.supp")
# Linked through the warnings target, which every one of our targets uses: the object lands in
# each executable's link (objects named by $<TARGET_OBJECTS> travel to the final link).
target_link_libraries(pardner_warnings INTERFACE $<TARGET_OBJECTS:pardner_sanitizer_options>)
# $<TARGET_OBJECTS> names the file but not the target that builds it: without this, building
# one test target in a fresh sanitizer build dir stops at "No rule to make target
# .../sanitizer_options.cc.o". Dependencies of an interface target are followed by its users.
add_dependencies(pardner_warnings pardner_sanitizer_options)
