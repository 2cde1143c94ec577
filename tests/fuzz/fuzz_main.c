/*
 * fuzz_main.c: the libFuzzer entry point, for the driver named by
 * -DFUZZ_TYPE at build time (make fuzz-build).
 */
#include "tests/fuzz/fuzz.h"

#ifndef FUZZ_TYPE
#error "FUZZ_TYPE must name the driver"
#endif

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_one(FUZZ_TYPE, data, size);
	return 0;
}
