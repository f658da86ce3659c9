// The sanitizer runtimes' default options for every Pardner executable in a PARDNER_SANITIZE
// build (cmake/sanitizers.cmake). The runtimes call these hooks before main; ASAN_OPTIONS,
// UBSAN_OPTIONS, LSAN_OPTIONS and TSAN_OPTIONS in the environment override them.
// Must never allocate or include anything of ours: it runs before the C++ runtime is set up.

// A report always ends the process with exit code 66, which Pardner itself never uses, so a
// test that checks a child's exit code (the e2e server, the shell tests) fails on it and the
// code says why. halt_on_error: the first report stops the process; running on past memory
// corruption or a data race only produces noise.
#define PARDNER_SANITIZER_COMMON "exitcode=66:halt_on_error=1:print_stacktrace=1"

extern "C" {

// detect_stack_use_after_return is left off: it multiplies the stack use of every frame and the
// e2e server runs many threads. Leaks are checked at exit (detect_leaks is on by default).
const char* __asan_default_options() {
  return PARDNER_SANITIZER_COMMON ":strict_init_order=1:check_initialization_order=1";
}

const char* __ubsan_default_options() { return PARDNER_SANITIZER_COMMON; }

const char* __lsan_default_options() { return "exitcode=66"; }

// second_deadlock_stack: a lock-order report names where both locks were taken.
const char* __tsan_default_options() {
  return PARDNER_SANITIZER_COMMON ":second_deadlock_stack=1:suppressions=" PARDNER_TSAN_SUPPRESSIONS;
}

}  // extern "C"
