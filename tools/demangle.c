/* demangle.c - Rust's v0 symbol names ("_R..."), as rustc writes them for
 * its standard library and for crates built with
 * -C symbol-mangling-version=v0, made readable the way Rust prints them
 * without hashes: "std::sys::thread::unix::Thread::new::thread_start",
 * "<alloc::vec::Vec<u8> as core::clone::Clone>::clone",
 * "core::ptr::drop_in_place::<std::thread::Packet<()>>",
 * "mycrate::main::{closure#0}".
 *
 * The grammar (RFC 2603): a path is a crate root (C), a nested name (N, its
 * namespace a letter: C closure, S shim, lowercase ones hidden), an
 * inherent impl (M), a trait impl (X), a trait definition (Y), generic
 * arguments (I ... E) or a back reference (B) to an earlier path, type or
 * constant.  Crate disambiguators (hashes) are left out.  Punycode
 * identifiers are printed as they are encoded.  Anything it cannot read
 * makes it answer NULL: the caller keeps the mangled name.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

#define MAX_DEPTH	64

struct dm {
	const char *s;		/* after "_R" */
	size_t n, at;
	char *out;
	size_t len, cap;
	int depth;
	bool bad;
};

static void put(struct dm *d, const char *p, size_t n)
{
	if (d->bad)
		return;
	if (d->len + n + 1 > d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 128;
		while (cap < d->len + n + 1)
			cap *= 2;
		char *o = realloc(d->out, cap);
		if (!o) {
			d->bad = true;
			return;
		}
		d->out = o;
		d->cap = cap;
	}
	memcpy(d->out + d->len, p, n);
	d->len += n;
	d->out[d->len] = '\0';
}

static void puts_(struct dm *d, const char *p)
{
	put(d, p, strlen(p));
}

static char peek(const struct dm *d)
{
	return d->at < d->n ? d->s[d->at] : '\0';
}

static bool eat(struct dm *d, char c)
{
	if (peek(d) != c)
		return false;
	d->at++;
	return true;
}

/* <base-62-number>: "_" is 0, digits then "_" are their value + 1 */
static uint64_t base62(struct dm *d)
{
	uint64_t v = 0;

	if (eat(d, '_'))
		return 0;
	for (;;) {
		char c = peek(d);
		unsigned x;
		if (c >= '0' && c <= '9')
			x = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'z')
			x = 10 + (unsigned)(c - 'a');
		else if (c >= 'A' && c <= 'Z')
			x = 36 + (unsigned)(c - 'A');
		else if (c == '_') {
			d->at++;
			return v + 1;
		} else {
			d->bad = true;
			return 0;
		}
		d->at++;
		if (v > (UINT64_MAX - x) / 62) {
			d->bad = true;
			return 0;
		}
		v = v * 62 + x;
	}
}

/* <decimal-number>: "0", or digits not starting with 0 */
static uint64_t decimal(struct dm *d)
{
	uint64_t v = 0;
	bool any = false;

	if (eat(d, '0'))
		return 0;
	while (peek(d) >= '0' && peek(d) <= '9') {
		if (v > UINT64_MAX / 10 - 9) {
			d->bad = true;
			return 0;
		}
		v = v * 10 + (uint64_t)(peek(d) - '0');
		d->at++;
		any = true;
	}
	if (!any)
		d->bad = true;
	return v;
}

/* [<disambiguator>] */
static void disambiguator(struct dm *d)
{
	if (eat(d, 's'))
		base62(d);
}

/* <undisambiguated-identifier>: its bytes (start, length) */
static bool ident(struct dm *d, const char **p, size_t *len)
{
	bool puny = eat(d, 'u');
	uint64_t n = decimal(d);

	(void)puny;
	eat(d, '_');
	if (d->bad || n > d->n - d->at) {
		d->bad = true;
		return false;
	}
	*p = d->s + d->at;
	*len = (size_t)n;
	d->at += (size_t)n;
	return true;
}

static void path(struct dm *d, bool in_value);
static void type(struct dm *d);
static void konst(struct dm *d);

/* Run fn at a back reference's position, then come back. */
static void backref(struct dm *d, void (*fn)(struct dm *))
{
	size_t here = d->at - 1;	/* the 'B' */
	uint64_t to = base62(d);

	if (d->bad || to >= here) {
		d->bad = true;
		return;
	}
	size_t back = d->at;
	d->at = (size_t)to;
	fn(d);
	d->at = back;
}

/* A path read and not printed */
static void unprinted_path(struct dm *d)
{
	size_t len = d->len;

	path(d, false);
	d->len = len;
	if (d->out)
		d->out[len] = '\0';
}

static void path_value(struct dm *d)
{
	path(d, true);
}

static void path_type(struct dm *d)
{
	path(d, false);
}

static bool enter(struct dm *d)
{
	if (++d->depth > MAX_DEPTH)
		d->bad = true;
	return !d->bad;
}

/* The next element of a list that "E" ends: false at its end, or on
 * damage; sep is printed before each element but the first. */
static bool list_next(struct dm *d, int i, const char *sep)
{
	if (d->bad || eat(d, 'E'))
		return false;
	if (d->at >= d->n) {
		d->bad = true;
		return false;
	}
	if (i)
		puts_(d, sep);
	return true;
}

/* {<generic-arg>} "E", as <a, b> */
static void generic_args(struct dm *d)
{
	puts_(d, "<");
	for (int i = 0; list_next(d, i, ", "); i++) {
		if (eat(d, 'L')) {
			base62(d);
			puts_(d, "'_");
		} else if (eat(d, 'K')) {
			konst(d);
		} else {
			type(d);
		}
	}
	puts_(d, ">");
}

static void path(struct dm *d, bool in_value)
{
	if (!enter(d))
		return;
	char c = peek(d);
	d->at++;
	switch (c) {
	case 'C': {			/* crate root */
		const char *p;
		size_t n;
		disambiguator(d);
		if (ident(d, &p, &n))
			put(d, p, n);
		break;
	}
	case 'M':			/* <T> */
		disambiguator(d);
		unprinted_path(d);	/* the impl's own path */
		puts_(d, "<");
		type(d);
		puts_(d, ">");
		break;
	case 'X':			/* <T as Trait> */
		disambiguator(d);
		unprinted_path(d);
		/* fall through */
	case 'Y':			/* <T as Trait> */
		puts_(d, "<");
		type(d);
		puts_(d, " as ");
		path(d, false);
		puts_(d, ">");
		break;
	case 'N': {			/* path::name */
		char ns = peek(d);
		const char *p;
		size_t n;
		uint64_t dis = 0;
		d->at++;
		if (!((ns >= 'a' && ns <= 'z') || (ns >= 'A' && ns <= 'Z'))) {
			d->bad = true;
			break;
		}
		path(d, in_value);
		if (eat(d, 's'))
			dis = base62(d) + 1;
		if (!ident(d, &p, &n))
			break;
		if (ns >= 'A' && ns <= 'Z') {
			char buf[48];
			puts_(d, "::{");
			puts_(d, ns == 'C' ? "closure" : ns == 'S' ? "shim" : "");
			if (ns != 'C' && ns != 'S')
				put(d, &ns, 1);
			if (n) {
				puts_(d, ":");
				put(d, p, n);
			}
			snprintf(buf, sizeof(buf), "#%llu}", (unsigned long long)dis);
			puts_(d, buf);
		} else if (n) {
			puts_(d, "::");
			put(d, p, n);
		}
		break;
	}
	case 'I':			/* path<args> */
		path(d, in_value);
		if (in_value)
			puts_(d, "::");
		generic_args(d);
		break;
	case 'B':
		backref(d, in_value ? path_value : path_type);
		break;
	default:
		d->bad = true;
	}
	d->depth--;
}

static const char *basic(char c)
{
	switch (c) {
	case 'a': return "i8";
	case 'b': return "bool";
	case 'c': return "char";
	case 'd': return "f64";
	case 'e': return "str";
	case 'f': return "f32";
	case 'h': return "u8";
	case 'i': return "isize";
	case 'j': return "usize";
	case 'l': return "i32";
	case 'm': return "u32";
	case 'n': return "i128";
	case 'o': return "u128";
	case 's': return "i16";
	case 't': return "u16";
	case 'u': return "()";
	case 'v': return "...";
	case 'x': return "i64";
	case 'y': return "u64";
	case 'z': return "!";
	case 'p': return "_";
	}
	return NULL;
}

static void fn_sig(struct dm *d)
{
	if (eat(d, 'G'))
		base62(d);
	if (eat(d, 'U'))
		puts_(d, "unsafe ");
	if (eat(d, 'K')) {
		puts_(d, "extern \"");
		if (eat(d, 'C')) {
			puts_(d, "C");
		} else {
			const char *p;
			size_t n;
			if (ident(d, &p, &n)) {
				for (size_t i = 0; i < n; i++)
					put(d, p[i] == '_' ? "-" : &p[i], 1);
			}
		}
		puts_(d, "\" ");
	}
	puts_(d, "fn(");
	for (int i = 0; list_next(d, i, ", "); i++)
		type(d);
	puts_(d, ")");
	if (peek(d) == 'u') {
		d->at++;	/* returns () */
	} else {
		puts_(d, " -> ");
		type(d);
	}
}

static void dyn_bounds(struct dm *d)
{
	if (eat(d, 'G'))
		base62(d);
	puts_(d, "dyn ");
	for (int i = 0; list_next(d, i, " + "); i++) {
		path(d, false);
		/* Trait<Assoc = T>, in the trait's own arguments if it has some */
		while (!d->bad && eat(d, 'p')) {
			const char *p;
			size_t n;
			if (!ident(d, &p, &n))
				return;
			bool args = d->len && d->out[d->len - 1] == '>';
			if (args)
				d->out[--d->len] = '\0';
			puts_(d, args ? ", " : "<");
			put(d, p, n);
			puts_(d, " = ");
			type(d);
			puts_(d, ">");
		}
	}
	if (eat(d, 'L'))
		base62(d);
	else
		d->bad = true;
}

static void type(struct dm *d)
{
	const char *b = basic(peek(d));

	if (!enter(d))
		return;
	if (b) {
		d->at++;
		puts_(d, b);
		d->depth--;
		return;
	}
	char c = peek(d);
	d->at++;
	switch (c) {
	case 'A':
		puts_(d, "[");
		type(d);
		puts_(d, "; ");
		konst(d);
		puts_(d, "]");
		break;
	case 'S':
		puts_(d, "[");
		type(d);
		puts_(d, "]");
		break;
	case 'T':
		puts_(d, "(");
		for (int i = 0; list_next(d, i, ", "); i++) {
			type(d);
			if (i == 0 && peek(d) == 'E')
				puts_(d, ",");	/* a 1-tuple */
		}
		puts_(d, ")");
		break;
	case 'R':
	case 'Q':
		puts_(d, c == 'R' ? "&" : "&mut ");
		if (eat(d, 'L'))
			base62(d);
		type(d);
		break;
	case 'P':
	case 'O':
		puts_(d, c == 'P' ? "*const " : "*mut ");
		type(d);
		break;
	case 'F':
		fn_sig(d);
		break;
	case 'D':
		dyn_bounds(d);
		break;
	case 'B':
		backref(d, type);
		break;
	default:
		d->at--;
		path(d, false);
	}
	d->depth--;
}

static void konst(struct dm *d)
{
	if (!enter(d))
		return;
	if (eat(d, 'p')) {
		puts_(d, "_");
	} else if (eat(d, 'B')) {
		backref(d, konst);
	} else {
		char t = peek(d);
		d->at++;
		bool neg = eat(d, 'n');
		uint64_t v = 0;
		int digits = 0;
		for (char c; (c = peek(d)) != '_'; d->at++, digits++) {
			unsigned x = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
				     c >= 'a' && c <= 'f' ? 10u + (unsigned)(c - 'a') : 16;
			if (x == 16 || digits >= 16) {
				d->bad = true;
				break;
			}
			v = v * 16 + x;
		}
		eat(d, '_');
		char buf[32];
		if (t == 'b')
			puts_(d, v ? "true" : "false");
		else if (t == 'c' && v >= 32 && v < 127)
			snprintf(buf, sizeof(buf), "'%c'", (char)v), puts_(d, buf);
		else if (strchr("ahijlmnostxy", t))
			snprintf(buf, sizeof(buf), "%s%llu", neg ? "-" : "", (unsigned long long)v),
				puts_(d, buf);
		else
			d->bad = true;
	}
	d->depth--;
}

char *rust_demangle_v0(const char *sym)
{
	struct dm d = { 0 };

	if (!sym || strncmp(sym, "_R", 2) != 0)
		return NULL;
	d.s = sym + 2;
	d.n = strlen(d.s);
	if (peek(&d) >= '0' && peek(&d) <= '9')	/* encoding version */
		decimal(&d);
	path(&d, true);
	/* an instantiating crate may follow, then a vendor suffix: unprinted */
	if (!d.bad && d.at < d.n && peek(&d) != '.' && peek(&d) != '$')
		unprinted_path(&d);
	if (d.bad || !d.out) {
		free(d.out);
		return NULL;
	}
	return d.out;
}
