/* fmt.c - allocation-free formatting into caller buffers, and the runtime's
 * only way to speak: db_warn() writes one line to stderr with write(2).
 * Never stdio (it locks and allocates), never stdout.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define DB_MAX_WARNINGS	64	/* lines db_warn() prints before going quiet */

static size_t put(char *buf, size_t n, size_t at, char c)
{
	if (at + 1 < n)
		buf[at] = c;
	return at + 1;
}

static size_t put_num(char *buf, size_t n, size_t at, unsigned long long v,
		      unsigned base, int neg, int width, char pad)
{
	char tmp[24];
	int k = 0;

	do {
		tmp[k++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		width--;
	if (neg && pad == '0')
		at = put(buf, n, at, '-');
	for (int w = k; w < width; w++)
		at = put(buf, n, at, pad);
	if (neg && pad != '0')
		at = put(buf, n, at, '-');
	while (k)
		at = put(buf, n, at, tmp[--k]);
	return at;
}

size_t db_vfmt(char *buf, size_t n, const char *fmt, va_list ap)
{
	size_t at = 0;

	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			at = put(buf, n, at, *p);
			continue;
		}
		p++;
		char pad = ' ';
		int width = 0, lng = 0, size = 0, left = 0;
		if (*p == '-')
			left = 1, p++;
		if (*p == '0')
			pad = '0', p++;
		while (*p >= '0' && *p <= '9')
			width = width * 10 + (*p++ - '0');
		while (*p == 'l')
			lng++, p++;
		if (*p == 'z')
			size = 1, p++;
		switch (*p) {
		case 'd': case 'i': {
			long long v = size ? (long long)va_arg(ap, ssize_t) :
				      lng ? va_arg(ap, long long) : va_arg(ap, int);
			unsigned long long u = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
			at = put_num(buf, n, at, u, 10, v < 0, width, pad);
			break;
		}
		case 'u': case 'x': {
			unsigned long long v = size ? va_arg(ap, size_t) :
					       lng ? va_arg(ap, unsigned long long) :
						     va_arg(ap, unsigned);
			at = put_num(buf, n, at, v, *p == 'x' ? 16 : 10, 0, width, pad);
			break;
		}
		case 'p':
			at = put(buf, n, at, '0');
			at = put(buf, n, at, 'x');
			at = put_num(buf, n, at, (uintptr_t)va_arg(ap, void *), 16, 0, 0, ' ');
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			size_t len = strlen(s);
			for (int w = (int)len; !left && w < width; w++)
				at = put(buf, n, at, ' ');
			while (*s)
				at = put(buf, n, at, *s++);
			for (int w = (int)len; left && w < width; w++)
				at = put(buf, n, at, ' ');
			break;
		}
		case 'c':
			at = put(buf, n, at, (char)va_arg(ap, int));
			break;
		case '%':
			at = put(buf, n, at, '%');
			break;
		default:	/* unknown conversion: show it, consume nothing */
			at = put(buf, n, at, '%');
			if (!*p)
				p--;
			else
				at = put(buf, n, at, *p);
		}
	}
	if (n)
		buf[at < n ? at : n - 1] = '\0';
	return at;
}

size_t db_fmt(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	size_t r = db_vfmt(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

bool db_hexdig(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

uintptr_t db_parse_hex(const char **s)
{
	uintptr_t v = 0;

	while (db_hexdig(**s)) {
		char c = *(*s)++;
		v = v * 16 + (uintptr_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	return v;
}

bool db_read_lines(const char *path, bool (*fn)(const char *line, size_t len, void *arg),
		   void *arg)
{
	char buf[8192];
	size_t have = 0;
	bool more = true;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	while (more) {
		ssize_t k = read(fd, buf + have, sizeof(buf) - have);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		have += (size_t)k;
		size_t at = 0;
		for (size_t i = 0; i < have && more; i++)
			if (buf[i] == '\n') {
				more = fn(buf + at, i - at, arg);
				at = i + 1;
			}
		if (at == 0 && have == sizeof(buf))	/* a line longer than buf */
			at = have;
		memmove(buf, buf + at, have - at);
		have -= at;
	}
	close(fd);
	return true;
}

static void write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t w = write(fd, s, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		len -= (size_t)w;
	}
}

static atomic_int warnings;

static void vwarn(const char *fmt, va_list ap)
{
	char buf[512];
	int e = errno;
	int k = atomic_fetch_add(&warnings, 1);

	if (k > DB_MAX_WARNINGS)
		goto out;
	size_t len = db_fmt(buf, sizeof(buf), "deadbolt: ");
	if (k == DB_MAX_WARNINGS)
		len += db_fmt(buf + len, sizeof(buf) - len, "too many warnings; no more will be printed");
	else
		len += db_vfmt(buf + len, sizeof(buf) - len, fmt, ap);
	if (len > sizeof(buf) - 2)
		len = sizeof(buf) - 2;
	buf[len++] = '\n';
	write_all(2, buf, len);
out:
	errno = e;
}

void db_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void db_note(unsigned level, const char *fmt, ...)
{
	struct {
		struct db_rec_note r;
		char text[480];
	} rec;
	va_list ap;

	va_start(ap, fmt);
	size_t len = db_vfmt(rec.text, sizeof(rec.text), fmt, ap);
	va_end(ap);
	if (len >= sizeof(rec.text))
		len = sizeof(rec.text) - 1;
	if (db_opt.verbosity >= 1 || level == DB_NOTE_INTERNAL)
		db_warn("%s", rec.text);
	memset(&rec.r, 0, sizeof(rec.r));
	rec.r.h.type = DB_REC_NOTE;
	rec.r.h.size = (uint32_t)((sizeof(rec.r) + len + 7) & ~(size_t)7);
	rec.r.level = level;
	rec.r.len = (uint32_t)len;
	db_log_write(&rec);
}

/* ---- once ------------------------------------------------------------------ */
/* Keys of things already reported (misuse sites, deadlocks, stalls): an
 * open-addressing set filled with compare-and-swap, no lock.  Full: nothing
 * new is reported, said once. */
#define DB_MAX_ONCE	4096	/* distinct reports remembered */

static _Atomic uint64_t once_keys[DB_MAX_ONCE];

bool db_once(uint64_t key)
{
	if (!key)	/* 0 marks a free slot */
		key = 0x9e3779b97f4a7c15ull;
	for (unsigned n = 0, i = (unsigned)(db_hash64(key) & (DB_MAX_ONCE - 1)); n < DB_MAX_ONCE;
	     n++, i = (i + 1) & (DB_MAX_ONCE - 1)) {
		uint64_t k = atomic_load_explicit(&once_keys[i], memory_order_acquire);
		if (k == key)
			return false;
		if (!k && atomic_compare_exchange_strong(&once_keys[i], &k, key))
			return true;
		if (k == key)	/* another thread just took it for this key */
			return false;
	}
	static atomic_int said;
	if (!atomic_exchange(&said, 1))
		db_note(DB_NOTE_WARN, "more than %d distinct reports: new ones are not "
			"recorded; results are partial", DB_MAX_ONCE);
	return false;
}

void db_check_failed(const char *what, const char *file, int line)
{
#ifdef DB_DEBUG
	db_warn("internal check failed: %s at %s:%d", what, file, line);
	abort();
#else
	static atomic_int once;

	if (atomic_exchange(&once, 1) == 0)
		db_note(DB_NOTE_INTERNAL, "internal check failed: %s at %s:%d; "
			"lock-order analysis disabled", what, file, line);
	db_opt.lock_order = 0;
#endif
}
