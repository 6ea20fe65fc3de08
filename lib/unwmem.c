/* unwmem.c - libunwind's mappings, kept for the next thread; its pipe, kept
 * off the program's descriptors.
 *
 * unw_backtrace keeps a per-thread cache of frame shapes: 256 KiB that
 * libunwind maps and fills the first time a thread unwinds, and unmaps
 * when the thread ends (more, 4x at a time, when a thread sees many pcs).
 * Mapped fresh every time, that is 64 page faults per thread: 0.7-0.9 ms
 * in a VM, where a fault exits to the hypervisor, against 10 us to clear
 * the same memory again.  A program that starts a thread per task pays it
 * for every task (sqlite3's sorter starts ~50 in the benchmark).
 *
 * So libunwind's own calls to mmap and munmap come here (and to pipe2,
 * below): its GOT entries for them are rewritten at start-up, and nothing
 * else in the process is touched.  An anonymous private mapping libunwind
 * gets is remembered (up to OUT_MAX at a time); when libunwind unmaps one
 * of those, whole, it is kept (up to POOL_MAX, POOL_BYTES in all) and
 * handed out, cleared, for the next request of the same size.
 * Everything else, and anything while the lock is busy (a signal handler
 * that unwinds on top of a thread in here), goes to the real calls: the
 * pool never waits.
 */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define OUT_MAX		256	/* anonymous mappings of libunwind's tracked */
#define OUT_MIN		(64u << 10)	/* smaller ones are not (its memory pools:
					 * never unmapped) */
#define POOL_MAX	8	/* unmapped mappings kept */
#define POOL_BYTES	(4u << 20)

struct region {
	void *p;
	size_t n;
};

static db_spin_t pool_lock;
static struct region out[OUT_MAX];	/* handed to libunwind; p NULL: free */
static struct region pool[POOL_MAX];	/* kept; p NULL: free */
static size_t pool_bytes;

static void *unw_mmap(void *addr, size_t n, int prot, int flags, int fd, off_t off)
{
	if (addr || n < OUT_MIN || fd != -1 || flags != (MAP_PRIVATE | MAP_ANONYMOUS) ||
	    prot != (PROT_READ | PROT_WRITE) || !db_spin_trylock(&pool_lock))
		return mmap(addr, n, prot, flags, fd, off);
	void *p = NULL;
	for (int i = 0; i < POOL_MAX && !p; i++)
		if (pool[i].p && pool[i].n == n) {
			p = pool[i].p;
			pool[i].p = NULL;
			pool_bytes -= n;
		}
	db_spin_unlock(&pool_lock);
	/* libunwind fills the whole frame cache as soon as it has it: the
	 * pages are made in one call, not in a fault each (64 for a thread) */
	if (p)
		memset(p, 0, n);	/* what a fresh mapping holds */
	else if ((p = mmap(NULL, n, prot, flags | MAP_POPULATE, -1, 0)) == MAP_FAILED)
		return p;
	if (db_spin_trylock(&pool_lock)) {
		for (int i = 0; i < OUT_MAX; i++)
			if (!out[i].p) {
				out[i] = (struct region){ p, n };
				break;
			}
		db_spin_unlock(&pool_lock);
	}
	return p;
}

static int unw_munmap(void *p, size_t n)
{
	bool kept = false;

	if (n < OUT_MIN || !db_spin_trylock(&pool_lock))
		return munmap(p, n);
	for (int i = 0; i < OUT_MAX; i++) {
		if (out[i].p != p)
			continue;
		out[i].p = NULL;	/* part of it: forgotten */
		if (out[i].n == n) {	/* whole: ours to keep */
			for (int k = 0; k < POOL_MAX && !kept &&
			     pool_bytes + n <= POOL_BYTES; k++)
				if (!pool[k].p) {
					pool[k] = (struct region){ p, n };
					pool_bytes += n;
					kept = true;
				}
		}
		break;
	}
	db_spin_unlock(&pool_lock);
	return kept ? 0 : munmap(p, n);
}

/* ---- libunwind's pipe ---------------------------------------------------- */

/* libunwind makes a pipe of its own (to validate addresses) when it starts,
 * and again whenever it finds the pipe gone.  Its descriptors must not be
 * the program's lowest (a program may expect its next open to be 3): they
 * are moved high (db_fd_raise), as the log is.  Where the limit on
 * descriptors leaves no room up there, libunwind gets no pipe (it then
 * treats the addresses it would have checked as unreadable). */
#define PIPE_FLOOR	640

static int unw_pipe2(int fds[2], int flags)
{
	int low[2];

	if (db_real.pipe2(low, flags) != 0)
		return -1;
	int hi0 = db_fd_raise(low[0], PIPE_FLOOR);
	int hi1 = db_fd_raise(low[1], PIPE_FLOOR);
	if (hi0 < 0 || hi1 < 0) {
		db_real.close(hi0 < 0 ? low[0] : hi0);
		db_real.close(hi1 < 0 ? low[1] : hi1);
		errno = EMFILE;
		return -1;
	}
	fds[0] = hi0;
	fds[1] = hi1;
	return 0;
}

/* ---- rewriting libunwind's GOT ------------------------------------------- */

struct got_find {
	uintptr_t base;		/* the module's load bias */
	uintptr_t relro_lo, relro_hi;
	bool found;
};

static int find_module(struct dl_phdr_info *info, size_t size, void *data)
{
	struct got_find *g = data;

	(void)size;
	if (info->dlpi_addr != g->base)
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_GNU_RELRO) {
			g->relro_lo = g->base + info->dlpi_phdr[i].p_vaddr;
			g->relro_hi = g->relro_lo + info->dlpi_phdr[i].p_memsz;
		}
	g->found = true;
	return 1;
}

/* Point the GOT slot at slot to fn (mprotect'ing it writable for the
 * moment if it is in the RELRO segment). */
static void set_slot(const struct got_find *g, uintptr_t slot, uintptr_t fn)
{
	uintptr_t page = slot & ~(uintptr_t)4095;
	bool ro = slot >= g->relro_lo && slot < g->relro_hi;

	if (ro && mprotect((void *)page, 4096, PROT_READ | PROT_WRITE) != 0)
		return;
	__atomic_store_n((uintptr_t *)slot, fn, __ATOMIC_RELEASE);
	if (ro)
		mprotect((void *)page, 4096, PROT_READ);
}

/* The loader may have relocated the dynamic section's pointers in place
 * (glibc does) or not. */
static uintptr_t dyn_ptr(uintptr_t base, uintptr_t v)
{
	return v < base ? v + base : v;
}

static void patch_relocs(const struct got_find *g, const Elf64_Rela *r, size_t bytes,
			 const Elf64_Sym *sym, const char *str)
{
	for (size_t i = 0; i < bytes / sizeof(*r); i++) {
		unsigned type = ELF64_R_TYPE(r[i].r_info);
		if (type != R_X86_64_JUMP_SLOT && type != R_X86_64_GLOB_DAT)
			continue;
		const char *name = str + sym[ELF64_R_SYM(r[i].r_info)].st_name;
		uintptr_t slot = g->base + r[i].r_offset;
		if (!strcmp(name, "mmap") || !strcmp(name, "mmap64"))
			set_slot(g, slot, (uintptr_t)unw_mmap);
		else if (!strcmp(name, "munmap"))
			set_slot(g, slot, (uintptr_t)unw_munmap);
		else if (!strcmp(name, "pipe2") && db_real.pipe2 && db_real.close)
			set_slot(g, slot, (uintptr_t)unw_pipe2);
	}
}

/* Route the mmap/munmap calls of the module that holds fn (libunwind)
 * here.  Quietly nothing if its dynamic section is not what we expect. */
void db_unwind_mem_init(const void *fn)
{
	struct link_map *lm = NULL;
	Dl_info info;

	if (!dladdr1(fn, &info, (void **)&lm, RTLD_DL_LINKMAP) || !lm || !lm->l_ld)
		return;
	struct got_find g = { .base = lm->l_addr };
	dl_iterate_phdr(find_module, &g);
	if (!g.found)
		return;
	const Elf64_Sym *sym = NULL;
	const char *str = NULL;
	const Elf64_Rela *rela = NULL, *jmprel = NULL;
	size_t relasz = 0, pltrelsz = 0;
	bool is_rela = true;
	for (const Elf64_Dyn *d = lm->l_ld; d->d_tag != DT_NULL; d++) {
		switch (d->d_tag) {
		case DT_SYMTAB: sym = (const void *)dyn_ptr(g.base, d->d_un.d_ptr); break;
		case DT_STRTAB: str = (const void *)dyn_ptr(g.base, d->d_un.d_ptr); break;
		case DT_RELA: rela = (const void *)dyn_ptr(g.base, d->d_un.d_ptr); break;
		case DT_RELASZ: relasz = d->d_un.d_val; break;
		case DT_JMPREL: jmprel = (const void *)dyn_ptr(g.base, d->d_un.d_ptr); break;
		case DT_PLTRELSZ: pltrelsz = d->d_un.d_val; break;
		case DT_PLTREL: is_rela = d->d_un.d_val == DT_RELA; break;
		}
	}
	if (!sym || !str)
		return;
	if (rela)
		patch_relocs(&g, rela, relasz, sym, str);
	if (jmprel && is_rela)
		patch_relocs(&g, jmprel, pltrelsz, sym, str);
}

void db_unwind_mem_atfork_prepare(void)
{
	db_spin_lock(&pool_lock);
}

void db_unwind_mem_atfork_release(void)
{
	db_spin_unlock(&pool_lock);
}
