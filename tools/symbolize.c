/* symbolize.c - turns logged pcs into frames with elfutils' libdwfl.
 *
 * Each distinct ELF file (path + build-id from the log) gets its own Dwfl
 * holding that one module, reported at base 0: a lookup takes the address
 * in the file's own vaddr space (pc - bias), so the same file loaded at
 * different addresses in different processes shares one Dwfl and one cache,
 * and modules that overlapped in time never meet in one address space.
 *
 * A file is trusted only when its GNU build-id matches the log's; otherwise
 * /usr/lib/debug/.build-id/xx/rest.debug is tried, else its frames stay
 * module+offset and a note says so once.  Separate debug info is found by
 * dwfl_standard_find_debuginfo (build-id and debuglink).
 *
 * Results are cached per (file, address): one address expands into its
 * chain of inlined calls, innermost first.  Strings live in the cache until
 * sym_cleanup(); frames point into it.  Data addresses (the location of a
 * data race) are looked up in the ELF symbol table, in a cache of their own.
 */
#include <ctype.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"

/* libstdc++'s demangler (the tool links -lstdc++). */
extern char *__cxa_demangle(const char *mangled, char *out, size_t *len, int *status);

#define DEBUG_BUILD_ID_DIR "/usr/lib/debug/.build-id"

struct sym_line {		/* one frame of an address's inline chain */
	char *function;
	char *file;
	unsigned line, column;
	bool inlined;
};

struct sym_entry {
	UT_hash_handle hh;	/* in sym_file.cache, by addr */
	uint64_t addr;		/* file vaddr looked up */
	size_t n;
	struct sym_line *v;
};

struct sym_datum {
	UT_hash_handle hh;	/* in sym_file.data, by addr */
	uint64_t addr;		/* file vaddr looked up */
	char *name;		/* NULL: no data symbol holds it */
	uint64_t offset;	/* addr - the symbol's value */
	uint64_t size;		/* the symbol's size (0: unknown) */
};

struct sym_file {
	UT_hash_handle hh;	/* in files, by key */
	char *key;		/* path, NUL, build-id in hex */
	Dwfl *dwfl;
	Dwfl_Module *mod;	/* NULL: unusable, frames are module+offset */
	struct sym_entry *cache;
	struct sym_datum *data;
};

static struct sym_file *files;

static char *debuginfo_path;	/* NULL: libdwfl's default */
static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

static char *hex(const unsigned char *p, size_t n)
{
	char *s = xcalloc(2 * n + 1, 1);

	if (s)
		for (size_t i = 0; i < n; i++)
			snprintf(s + 2 * i, 3, "%02x", p[i]);
	return s;
}

/* Open path as the one module of a new Dwfl; check its build-id. */
static int open_elf(const char *path, const struct module *m, Dwfl **dwflp,
		    Dwfl_Module **modp)
{
	const unsigned char *bits;
	GElf_Addr vaddr;
	Dwfl *dwfl;
	Dwfl_Module *mod;
	int n;

	/* the errno for the note; libdwfl opens the file itself */
	if (access(path, R_OK) < 0)
		return -errno;
	dwfl = dwfl_begin(&callbacks);
	if (!dwfl)
		return -ENOMEM;
	dwfl_report_begin(dwfl);
	/* base 0 + p_vaddr: the module's addresses are the file's own vaddrs */
	mod = dwfl_report_elf(dwfl, path, path, -1, 0, true);
	dwfl_report_end(dwfl, NULL, NULL);
	if (!mod) {
		dwfl_end(dwfl);
		return -ENOEXEC;
	}
	if (m->build_id_len) {
		n = dwfl_module_build_id(mod, &bits, &vaddr);
		if (n <= 0 || (size_t)n != m->build_id_len ||
		    memcmp(bits, m->build_id, m->build_id_len)) {
			dwfl_end(dwfl);
			return -ESTALE;
		}
	}
	*dwflp = dwfl;
	*modp = mod;
	return 0;
}

static struct sym_file *open_file(struct dlog *l, const struct module *m)
{
	struct sym_file *f;
	char *id = hex(m->build_id, m->build_id_len);
	size_t plen = strlen(m->path);
	char *key;
	int err;

	if (!id)
		return NULL;
	key = xcalloc(plen + strlen(id) + 2, 1);
	if (!key) {
		free(id);
		return NULL;
	}
	memcpy(key, m->path, plen);
	strcpy(key + plen + 1, id);
	HASH_FIND(hh, files, key, plen + strlen(id) + 1, f);
	if (f) {
		free(key);
		free(id);
		return f;
	}
	f = xcalloc(1, sizeof(*f));
	if (!f) {
		free(key);
		free(id);
		return NULL;
	}
	f->key = key;
	HASH_ADD_KEYPTR(hh, files, f->key, plen + strlen(id) + 1, f);

	/* "linux-vdso.so.1" and the like are no files: module+offset, silently */
	if (!strchr(m->path, '/')) {
		free(id);
		return f;
	}
	err = open_elf(m->path, m, &f->dwfl, &f->mod);
	if (err && m->build_id_len >= 2) {
		char *dbg = xasprintf("%s/%.2s/%s.debug", DEBUG_BUILD_ID_DIR, id, id + 2);
		if (dbg && open_elf(dbg, m, &f->dwfl, &f->mod) == 0)
			err = 0;
		free(dbg);
	}
	if (err == -ESTALE)
		log_note(l, NOTE_WARN, "build-id of %s does not match the log (rebuilt "
			 "since the run?): frames in it are shown as module+offset",
			 m->path);
	else if (err)
		log_note(l, NOTE_WARN, "cannot read %s (%s): frames in it are shown as "
			 "module+offset", m->path, strerror(-err));
	free(id);
	return f;
}

/* Rust's legacy mangling is the C++ one, with a last component h + 16 hex
 * digits (a hash) and $..$ escapes in the others: "a::b::h0123456789abcdef"
 * as the C++ demangler gives it, made "a::b".  NULL: not such a name. */
static char *rust_legacy(const char *cxx)
{
	static const struct {
		const char *esc, *text;
	} esc[] = {
		{ "$LT$", "<" }, { "$GT$", ">" }, { "$RF$", "&" }, { "$BP$", "*" },
		{ "$C$", "," }, { "$SP$", "@" }, { "$u20$", " " }, { "$u22$", "\"" },
		{ "$u27$", "'" }, { "$u2b$", "+" }, { "$u3b$", ";" }, { "$u5b$", "[" },
		{ "$u5d$", "]" }, { "$u7b$", "{" }, { "$u7d$", "}" }, { "$u7e$", "~" },
	};
	size_t n = strlen(cxx);

	if (n < 20 || strncmp(cxx + n - 19, "::h", 3) != 0)
		return NULL;
	for (size_t i = n - 16; i < n; i++)
		if (!isxdigit((unsigned char)cxx[i]))
			return NULL;
	n -= 19;
	char *out = malloc(n + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		size_t k;
		if (cxx[i] == '$') {
			for (k = 0; k < sizeof(esc) / sizeof(esc[0]); k++) {
				size_t l = strlen(esc[k].esc);
				if (i + l <= n && !strncmp(cxx + i, esc[k].esc, l)) {
					o = stpcpy(o, esc[k].text);
					i += l;
					break;
				}
			}
			if (k < sizeof(esc) / sizeof(esc[0]))
				continue;
		} else if (cxx[i] == '.' && i + 1 < n && cxx[i + 1] == '.') {
			o = stpcpy(o, "::");
			i += 2;
			continue;
		} else if (cxx[i] == '_' && i + 1 < n && cxx[i + 1] == '$' &&
			   (i == 0 || cxx[i - 1] == ':')) {
			i++;	/* a component that starts with an escape */
			continue;
		}
		*o++ = cxx[i++];
	}
	*o = '\0';
	return out;
}

static char *demangle(const char *name)
{
	if (!name)
		return NULL;
	if (name[0] == '_' && name[1] == 'Z') {
		int status = 0;
		char *d = __cxa_demangle(name, NULL, NULL, &status);
		if (d && status == 0) {
			char *r = name[2] == 'N' ? rust_legacy(d) : NULL;
			if (r) {
				free(d);
				return r;
			}
			return d;
		}
		free(d);
	}
	if (name[0] == '_' && name[1] == 'R') {
		char *r = rust_demangle_v0(name);
		if (r)
			return r;
	}
	return xstrdup(name);
}

static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	const char *s;

	s = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &a));
	if (!s)
		s = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &a));
	if (!s)
		s = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a));
	return s;
}

/* file made absolute against an absolute compilation directory, "." and
 * "dir/.." folded: DWARF 5 line tables name files relative to it. */
static char *full_path(const char *file, const char *dir)
{
	char *s, *o, *p;

	if (!file)
		return NULL;
	/* a relative comp dir (reproducible builds: "./nptl") helps no one */
	s = file[0] == '/' || !dir || dir[0] != '/' ? xstrdup(file) :
	    xasprintf("%s/%s", dir, file);
	if (!s || s[0] != '/')
		return s;
	/* fold in place: o writes, p reads, both at a component start */
	o = s;
	p = s;
	while (*p) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n == 1 && p[0] == '.') {
			p += n;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (o > s && *--o != '/')
				;
			p += n;
			continue;
		}
		*o++ = '/';
		memmove(o, p, n);
		o += n;
		p += n;
	}
	if (o == s)
		*o++ = '/';
	*o = '\0';
	return s;
}

static bool push(struct sym_entry *e, size_t *cap, const char *fn, const char *file,
		 const char *dir, unsigned line, unsigned column, bool inlined)
{
	if (e->n == *cap) {
		size_t nc = *cap ? 2 * *cap : 4;
		struct sym_line *v = realloc(e->v, nc * sizeof(*v));
		if (!v) {
			tool_oom = true;
			return false;
		}
		e->v = v;
		*cap = nc;
	}
	struct sym_line *s = &e->v[e->n++];
	s->function = demangle(fn);
	s->file = full_path(file, dir);
	s->line = file ? line : 0;
	s->column = file ? column : 0;
	s->inlined = inlined;
	return true;
}

/* The inline chain at addr from DWARF scopes, like `eu-addr2line -i`: the
 * innermost function gets the line-table position, each enclosing one the
 * DW_AT_call_file/line of the inlined instance it contains. */
static void dwarf_chain(Dwfl_Module *mod, uint64_t addr, struct sym_entry *e, size_t *cap,
			const char *file, const char *dir, unsigned line, unsigned column)
{
	Dwarf_Addr bias = 0;
	Dwarf_Die *cu = dwfl_module_addrdie(mod, addr, &bias);
	Dwarf_Die *scopes = NULL, *chain = NULL;
	int n, m;

	if (!cu)
		return;
	n = dwarf_getscopes(cu, addr - bias, &scopes);
	if (n <= 0) {
		free(scopes);
		return;
	}
	Dwarf_Die inner = scopes[0];
	free(scopes);
	m = dwarf_getscopes_die(&inner, &chain);
	for (int j = 0; j < m; j++) {
		Dwarf_Die *d = &chain[j];
		int tag = dwarf_tag(d);
		if (tag != DW_TAG_subprogram && tag != DW_TAG_inlined_subroutine &&
		    tag != DW_TAG_entry_point)
			continue;
		const char *name = die_name(d);
		if (tag != DW_TAG_inlined_subroutine) {
			/* the real function; no DWARF name: lookup() uses the symbol */
			push(e, cap, name, file, dir, line, column, false);
			break;
		}
		if (!push(e, cap, name ? name : "??", file, dir, line, column, true))
			break;
		/* where it was inlined: the position in the enclosing function */
		Dwarf_Attribute a;
		Dwarf_Word w;
		Dwarf_Die cudie;
		Dwarf_Files *fs;
		size_t nf;
		file = NULL;
		dir = NULL;
		line = 0;
		column = 0;
		if (dwarf_formudata(dwarf_attr(d, DW_AT_call_file, &a), &w) == 0 &&
		    dwarf_diecu(d, &cudie, NULL, NULL) &&
		    dwarf_getsrcfiles(&cudie, &fs, &nf) == 0 && w < nf) {
			file = dwarf_filesrc(fs, w, NULL, NULL);
			dir = dwarf_formstring(dwarf_attr(&cudie, DW_AT_comp_dir, &a));
		}
		if (dwarf_formudata(dwarf_attr(d, DW_AT_call_line, &a), &w) == 0)
			line = (unsigned)w;
		if (dwarf_formudata(dwarf_attr(d, DW_AT_call_column, &a), &w) == 0)
			column = (unsigned)w;
	}
	free(chain);
}

static struct sym_entry *lookup(struct sym_file *f, uint64_t addr)
{
	struct sym_entry *e;
	size_t cap = 0;

	HASH_FIND(hh, f->cache, &addr, sizeof(addr), e);
	if (e)
		return e;
	e = xcalloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->addr = addr;

	const char *file = NULL, *dir = NULL;
	int line = 0, col = 0;
	Dwfl_Line *dl = dwfl_module_getsrc(f->mod, addr);
	if (dl) {
		file = dwfl_lineinfo(dl, NULL, &line, &col, NULL, NULL);
		dir = dwfl_line_comp_dir(dl);
	}
	unsigned uline = line > 0 ? (unsigned)line : 0, ucol = col > 0 ? (unsigned)col : 0;
	dwarf_chain(f->mod, addr, e, &cap, file, dir, uline, ucol);
	if (e->n == 0 || e->v[e->n - 1].inlined || !e->v[e->n - 1].function) {
		/* no DWARF function: the ELF symbol table (.symtab, else .dynsym) */
		GElf_Off off;
		GElf_Sym sym;
		const char *name = dwfl_module_addrinfo(f->mod, addr, &off, &sym,
							NULL, NULL, NULL);
		if (e->n && !e->v[e->n - 1].function)
			e->v[e->n - 1].function = demangle(name);
		else if (name)
			push(e, &cap, name, e->n ? NULL : file, dir, uline, ucol, false);
	}
	HASH_ADD(hh, f->cache, addr, sizeof(e->addr), e);
	return e;
}

static bool add_frame(struct stack *s, size_t *cap, const struct frame *fr)
{
	if (s->nframes == *cap) {
		size_t nc = *cap ? 2 * *cap : 16;
		struct frame *v = realloc(s->frames, nc * sizeof(*v));
		if (!v) {
			tool_oom = true;
			return false;
		}
		s->frames = v;
		*cap = nc;
	}
	s->frames[s->nframes++] = *fr;
	return true;
}

/* A module's file, opened on first use. */
static struct sym_file *module_file(struct dlog *l, struct module *m)
{
	if (!m->resolved) {
		m->resolved = true;
		m->file = open_file(l, m);
	}
	return m->file && m->file->mod ? m->file : NULL;
}

int sym_stack(struct dlog *l, struct stack *s)
{
	size_t cap = 0;

	if (!s || s->symbolized)
		return 0;
	s->symbolized = true;
	for (size_t i = 0; i < s->npc; i++) {
		struct module *m = s->mod[i];
		uint64_t pc = s->pc[i];
		struct frame fr = { .pc = pc, .mod = m };

		if (!pc || (m && m->own))
			continue;	/* end marker; deadbolt's own frames */
		if (!m) {
			add_frame(s, &cap, &fr);
			continue;
		}
		fr.offset = pc - m->bias;
		struct sym_entry *e = NULL;
		if (module_file(l, m)) {
			/* a return address points after the call: look up the call */
			bool exact = i == 0 && (s->flags & DB_STACKF_EXACT0);
			e = lookup(m->file, fr.offset - (exact ? 0 : 1));
			/* nothing there: the pc may be exact after all (a signal
			 * trampoline, __restore_rt, begins at its return address) */
			if (!exact && e && (e->n == 0 || !e->v[e->n - 1].function))
				e = lookup(m->file, fr.offset);
		}
		if (!e || e->n == 0) {
			add_frame(s, &cap, &fr);
			continue;
		}
		for (size_t j = 0; j < e->n; j++) {
			fr.function = e->v[j].function;
			fr.file = e->v[j].file;
			fr.line = e->v[j].line;
			fr.column = e->v[j].column;
			fr.inlined = e->v[j].inlined;
			add_frame(s, &cap, &fr);
		}
	}
	return tool_oom ? -ENOMEM : 0;
}

const char *sym_base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

bool sym_data(struct dlog *l, struct module *m, uint64_t addr, const char **name,
	      uint64_t *offset, uint64_t *size)
{
	struct sym_file *f;
	struct sym_datum *d;
	uint64_t a;

	if (!m || m->own || !(f = module_file(l, m)))
		return false;
	a = addr - m->bias;
	HASH_FIND(hh, f->data, &a, sizeof(a), d);
	if (!d) {
		d = xcalloc(1, sizeof(*d));
		if (!d)
			return false;
		d->addr = a;
		GElf_Off off = 0;
		GElf_Sym sym;
		const char *n = dwfl_module_addrinfo(f->mod, a, &off, &sym, NULL, NULL, NULL);
		int type = n ? GELF_ST_TYPE(sym.st_info) : STT_NOTYPE;
		/* libdwfl falls back to the nearest sizeless symbol below: only
		 * one that starts right at addr names it (a label like _edata
		 * never wins over the sized variable it shares an address with);
		 * code, sections, files and TLS offsets are no data symbols */
		if (n && (off < sym.st_size || (sym.st_size == 0 && off == 0)) &&
		    type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_SECTION &&
		    type != STT_FILE && type != STT_TLS) {
			d->name = demangle(n);
			d->offset = off;
			d->size = sym.st_size;
		}
		HASH_ADD(hh, f->data, addr, sizeof(d->addr), d);
	}
	if (!d->name)
		return false;
	*name = d->name;
	*offset = d->offset;
	if (size)
		*size = d->size;
	return true;
}

char *sym_frame_key(const struct frame *f)
{
	if (f->function || f->file)
		return xasprintf("%s@%s:%u:%u", f->function ? f->function : "?",
				 f->file ? f->file : "?", f->line, f->column);
	if (f->mod)
		return xasprintf("%s+0x%llx", sym_base_name(f->mod->path),
				 (unsigned long long)f->offset);
	return xstrdup("?");
}

static bool system_path(const char *p)
{
	static const char *const dirs[] = { "/lib/", "/lib64/", "/lib32/", "/usr/lib/",
		"/usr/lib64/", "/usr/lib32/", "/usr/libexec/", "/usr/include/" };

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (!strncmp(p, dirs[i], strlen(dirs[i])))
			return true;
	return false;
}

bool sym_user_frame(const struct frame *f)
{
	if (!f->mod || f->mod->own || system_path(f->mod->path) || !strchr(f->mod->path, '/'))
		return false;
	/* code inlined from system headers (std::mutex::lock) is not the
	 * user's, nor Rust's standard library, which rustc compiles into the
	 * program with its sources named /rustc/<commit>/library/... */
	return !f->file || (!system_path(f->file) && strncmp(f->file, "/rustc/", 7) != 0);
}

void sym_cleanup(void)
{
	struct sym_file *f, *ft;
	struct sym_entry *e, *et;

	HASH_ITER(hh, files, f, ft) {
		struct sym_datum *d, *dt;

		HASH_DEL(files, f);
		HASH_ITER(hh, f->data, d, dt) {
			HASH_DEL(f->data, d);
			free(d->name);
			free(d);
		}
		HASH_ITER(hh, f->cache, e, et) {
			HASH_DEL(f->cache, e);
			for (size_t i = 0; i < e->n; i++) {
				free(e->v[i].function);
				free(e->v[i].file);
			}
			free(e->v);
			free(e);
		}
		if (f->dwfl)
			dwfl_end(f->dwfl);
		free(f->key);
		free(f);
	}
}
