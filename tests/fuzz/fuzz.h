/* fuzz.h: the harness shared by fuzz_main.c and fuzz_replay.c. */
#ifndef _TESTS_FUZZ_FUZZ_H_
#define _TESTS_FUZZ_FUZZ_H_

#include <stddef.h>
#include <stdint.h>

/* Mount the image data as type, walk and read it, write to a copy. */
void	fuzz_one(const char *type, const uint8_t *data, size_t size);

#endif /* !_TESTS_FUZZ_FUZZ_H_ */
