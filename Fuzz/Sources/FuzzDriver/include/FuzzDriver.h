#ifndef FUZZ_DRIVER_H
#define FUZZ_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// The input callback each fuzz target defines (`@_cdecl("LLVMFuzzerTestOneInput")` in Swift).
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
