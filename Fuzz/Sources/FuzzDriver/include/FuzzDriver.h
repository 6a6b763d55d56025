#ifndef FUZZ_DRIVER_H
#define FUZZ_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (in the runtime `-sanitize=fuzzer` links): parses the libFuzzer flags in
/// argv and runs `callback` on each input. SwiftPM renames an executable's entry point to
/// `<Target>_main`, so each fuzz target defines that and calls this instead of relying on
/// libFuzzer's own `main`.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
