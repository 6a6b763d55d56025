// Entry points for the fuzz targets.
//
// SwiftPM renames an executable's entry point to `<Target>_main` and links `main` to it, so
// libFuzzer's own `main` never runs. Each `<Target>_main` below hands over to libFuzzer's driver
// (in the runtime `-sanitize=fuzzer` links) with the target's LLVMFuzzerTestOneInput; an
// executable uses only its own.
#include "FuzzDriver.h"

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

static int run(int argc, char **argv) { return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput); }

int FuzzRatingFiles_main(int argc, char **argv) { return run(argc, argv); }
int FuzzSafeTensors_main(int argc, char **argv) { return run(argc, argv); }
int FuzzModelJSON_main(int argc, char **argv) { return run(argc, argv); }
