/* SPDX-License-Identifier: MIT */
/*
 * Linked into paddock in a sanitizer build (PADDOCK_SANITIZE) only.
 *
 * The integration tests expect many commands to fail, and bats shows a
 * command's stderr only when a test fails: a sanitizer report that ends
 * paddock with status 1 would pass for a refused write. So the reports go
 * to files in PADDOCK_SANITIZER_LOG_DIR, which the CTest test
 * sanitizer/reports lists after the other tests, and fails on. The path is
 * built in because the unprivileged run starts paddock with a reset
 * environment; ASAN_OPTIONS=log_path=stderr (or UBSAN_OPTIONS) still
 * overrides it by hand.
 */
#define SANITIZER_OPTIONS "log_path=" PADDOCK_SANITIZER_LOG_DIR "/report"

/* The runtimes look these up in the executable; the build hides every
 * symbol unless told otherwise. */
#define SANITIZER_HOOK __attribute__((visibility("default")))

SANITIZER_HOOK const char *__asan_default_options(void)
{
	return SANITIZER_OPTIONS;
}

SANITIZER_HOOK const char *__ubsan_default_options(void)
{
	return SANITIZER_OPTIONS;
}
