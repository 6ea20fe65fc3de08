/* Rust v0 symbol names (tools/demangle.c) against what Rust itself prints
 * for them (rustc-demangle, without hashes): crate roots, nested names,
 * closures and their disambiguators, inherent and trait impls, generic
 * arguments in value and type paths, back references, dyn bounds with an
 * associated type, constants; and names it must refuse (NULL), under ASan
 * and UBSan: truncated, a back reference that points forward, nesting too
 * deep.
 * SOURCES: tools/demangle.c
 * SANITIZE: yes
 * EXPECT-EXIT: 0
 * RUN: %prog
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *rust_demangle_v0(const char *sym);

static const struct {
	const char *sym, *want;
} cases[] = {
	{ "_RNvC6_123foo3bar", "123foo::bar" },
	{ "_RNCNCNgCs6DXkGYLi8lr_2cc5spawn00B5_", "cc::spawn::{closure#0}::{closure#0}" },
	{ "_RNCINkXs25_NgCsbmNqQUJIY6D_4core5sliceINyB9_4IterhENuNgNoBb_4iter8iterator8Iterator"
	  "9rpositionNCNgNpB9_6memchr7memrchrs_0E0Bb_",
	  "<core::slice::Iter<u8> as core::iter::iterator::Iterator>::rposition::"
	  "<core::slice::memchr::memrchr::{closure#1}>::{closure#0}" },
	{ "_RINbNbCskIICzLVDPPb_5alloc5alloc8box_freeDINbNiB4_5boxed5FnBoxuEp6OutputuEL_"
	  "ECs1iopQbuBiw2_3std",
	  "alloc::alloc::box_free::<dyn alloc::boxed::FnBox<(), Output = ()>>" },
	{ "_RNvNvMs0_NtNtNtCsjrHSEGnQ3l9_3std3sys6thread4unixNtB7_6Thread3new12thread_start",
	  "<std::sys::thread::unix::Thread>::new::thread_start" },
	{ "_RNvNvNtCs1_4core3ptr13drop_in_place6helper", "core::ptr::drop_in_place::helper" },
	{ "_RINvCs1_4test3fooKj2a_EB2_", "test::foo::<42>" },
	{ "_RINvCs1_4test3fooTlhEEB2_", "test::foo::<(i32, u8)>" },
	{ "_RINvCs1_4test3fooRSReEB2_", "test::foo::<&[&str]>" },
};

static const char *const refused[] = {
	"_R", "_RN", "_RNvC", "_RNvC3ab", "_RB0_", "_RNvB9_3foo", "_ZN3foo3barE", "",
};

int main(void)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = rust_demangle_v0(cases[i].sym);
		if (!got || strcmp(got, cases[i].want)) {
			printf("%s\n  want %s\n  got  %s\n", cases[i].sym, cases[i].want,
			       got ? got : "(null)");
			bad = 1;
		}
		free(got);
	}
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		char *got = rust_demangle_v0(refused[i]);
		if (got) {
			printf("%s: want NULL, got %s\n", refused[i], got);
			bad = 1;
		}
		free(got);
	}
	/* nesting beyond the limit: refused, not a stack overflow */
	char deep[4096] = "_R";
	for (int i = 0; i < 1000; i++)
		strcat(deep, "Nv");
	strcat(deep, "C1a");
	for (int i = 0; i < 1000; i++)
		strcat(deep, "1b");
	char *got = rust_demangle_v0(deep);
	if (got) {
		printf("deep: want NULL\n");
		bad = 1;
	}
	free(got);
	return bad;
}
