/* The runtime's allocation-free formatter against snprintf, with ASan and
 * UBSan: every conversion it supports, widths, truncation; and the
 * report-once set: true the first time a key is seen only, keys 0 and 1
 * distinct from each other's neighbours, and a full set says no.
 * SOURCES: lib/fmt.c lib/options.c
 * SANITIZE: yes
 * EXPECT-EXIT: 0
 * RUN: %prog
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void db_log_write(const void *rec)
{
	(void)rec;
}

#define SAME(...) do {							\
	char a[128], b[128];						\
	db_fmt(a, sizeof(a), __VA_ARGS__);				\
	snprintf(b, sizeof(b), __VA_ARGS__);				\
	if (strcmp(a, b)) {						\
		fprintf(stderr, "%s:%d: '%s' != '%s'\n", __FILE__, __LINE__, a, b); \
		exit(1);						\
	}								\
} while (0)

int main(void)
{
	SAME("plain");
	SAME("%d %d %d", 0, -5, INT_MIN);
	SAME("%u %x %lu %lx", 7u, 0xbeefu, ULONG_MAX, 0x1234567890abcdefUL);
	SAME("%ld %lld %llu", LONG_MIN, LLONG_MAX, ULLONG_MAX);
	SAME("%zu", (size_t)123456789);
	SAME("[%5d] [%05d] [%-3s]", 42, -42, "ab");
	SAME("%s and %c and %%", "str", 'x');
	SAME("%08x", 0xabcu);
	SAME("%p", (void *)0x7fff1234);

	if (!db_once(42) || db_once(42) || !db_once(43) || db_once(43) || !db_once(0)) {
		fprintf(stderr, "db_once: wrong answer for a first or repeated key\n");
		return 1;
	}
	int fresh = 0;
	for (uint64_t k = 1000; k < 1000 + 5000 * 2; k += 2)	/* more than the set holds */
		fresh += db_once(k);
	if (fresh < 4000 || fresh >= 5000 || db_once(1000)) {
		fprintf(stderr, "db_once: %d fresh of 5000 past capacity\n", fresh);
		return 1;
	}

	char small[6];
	size_t n = db_fmt(small, sizeof(small), "%s", "0123456789");
	if (n != 10 || strcmp(small, "01234")) {
		fprintf(stderr, "truncation: %zu '%s'\n", n, small);
		return 1;
	}
	return 0;
}
