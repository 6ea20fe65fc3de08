/* cfi.c - a fast x86-64 unwinder: each frame's shape from its module's
 * .eh_frame (DWARF call frame information), cached per thread.
 *
 * libunwind's unw_backtrace keeps a 256 KiB cache of frame shapes per
 * thread, whose 64 pages each cost a fault at the thread's first stack
 * (0.5 ms a thread on a VM whose first touch of a page costs 5-10 us), and
 * a stack a trap catches is unwound through the handler and the signal
 * frame (6-7 us).  Almost every frame has one of a few shapes: the CFA (the
 * caller's stack pointer) is rsp or rbp plus an offset, the return address
 * is just below it, rbp is saved at a fixed offset from it or not at all.
 * A pc's shape is read from its FDE (found through the module's
 * .eh_frame_hdr search table, which stack.c keeps for libunwind) by running
 * its CFA program up to the pc, and cached in a per-thread table of 8 KiB.
 * Anything else (a CFA expression, a signal frame, a pc without an FDE, a
 * frame that leaves the thread's stack) ends the walk with "unknown": the
 * caller unwinds with libunwind instead.  The outermost frame (_start, a
 * thread's start: the return address undefined) ends it normally.
 * db_cfi_caller_of, the leak scan's one walk at exit, follows the rules of
 * every callee-saved register, uncached.
 */
#include <string.h>

#include "internal.h"

#define SHAPE_BITS	9	/* cached shapes per thread: 512 */
#define SHAPE_PROBES	4

enum { SHAPE_NONE, SHAPE_OK, SHAPE_END, SHAPE_BAD };

struct shape {
	uintptr_t pc;		/* the address looked up (a return address - 1) */
	int32_t cfa_off;	/* CFA = (cfa_bp ? rbp : rsp) + cfa_off; the
				 * return address at CFA - 8 */
	int16_t bp_off;		/* rbp saved at CFA + bp_off; 0: rbp is the
				 * caller's */
	uint8_t cfa_bp, kind;
};

struct db_shapes {
	uint64_t gen;
	struct shape e[1u << SHAPE_BITS];
};

/* DWARF registers of x86-64 */
#define R_RBP	6
#define R_RSP	7
#define R_RA	16

static uint64_t uleb(const uint8_t **p, const uint8_t *end)
{
	uint64_t v = 0;
	unsigned shift = 0;

	while (*p < end) {
		uint8_t b = *(*p)++;
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			break;
	}
	return v;
}

static int64_t sleb(const uint8_t **p, const uint8_t *end)
{
	int64_t v = 0;
	unsigned shift = 0;
	uint8_t b = 0;

	while (*p < end) {
		b = *(*p)++;
		if (shift < 64)
			v |= (int64_t)((uint64_t)(b & 0x7f) << shift);
		shift += 7;
		if (!(b & 0x80))
			break;
	}
	if (shift < 64 && (b & 0x40))
		v |= -((int64_t)1 << shift);
	return v;
}

/* An unsigned little-endian value of n bytes (1, 2, 4 or 8) at *p. */
static bool fixed(const uint8_t **p, const uint8_t *end, unsigned n, uint64_t *v)
{
	if ((size_t)(end - *p) < n)
		return false;
	*v = 0;
	memcpy(v, *p, n);	/* little-endian: the low bytes */
	*p += n;
	return true;
}

/* A pointer of encoding enc at *p (absolute or pc-relative); false: an
 * encoding this does not read. */
static bool read_enc(const uint8_t **p, const uint8_t *end, uint8_t enc, uintptr_t *out)
{
	const uint8_t *at = *p;
	uint64_t v;

	switch (enc & 0x0f) {
	case 0x00: case 0x04: case 0x0c:	/* absptr, udata8, sdata8 */
		if (!fixed(p, end, 8, &v))
			return false;
		break;
	case 0x03: case 0x0b:			/* udata4, sdata4 */
		if (!fixed(p, end, 4, &v))
			return false;
		if (enc & 0x08)
			v = (uint64_t)(int64_t)(int32_t)v;
		break;
	case 0x01:
		v = uleb(p, end);
		break;
	case 0x09:
		v = (uint64_t)sleb(p, end);
		break;
	default:
		return false;
	}
	switch (enc & 0x70) {
	case 0x00:
		break;
	case 0x10:
		v += (uintptr_t)at;
		break;
	default:
		return false;
	}
	if (enc & 0x80)		/* indirect: never for pc_begin */
		return false;
	*out = (uintptr_t)v;
	return true;
}

#define NREGS	17		/* DWARF 0-15, and 16: the return address */

struct rules {
	int64_t cfa_off;
	int cfa_reg;
	int64_t off[NREGS];	/* register r saved at CFA + off[r] ... */
	uint32_t saved;		/* ... if bit r is set here */
	uint32_t lost;		/* kept elsewhere (another register, an
				 * expression): not followed */
	bool bad;		/* a rule for rsp, rbp or the return address
				 * this does not follow */
};

#define BIT(r)	(1u << (r))

struct cie {
	uint64_t code_align;
	int64_t data_align;
	uint64_t ra_reg;
	uint8_t fde_enc;
	bool z, signal;
	const uint8_t *ins, *end;
};

static bool parse_cie(const uint8_t *c, struct cie *ci)
{
	uint32_t len;

	memcpy(&len, c, 4);
	if (len == 0 || len == 0xffffffffu)
		return false;
	const uint8_t *p = c + 4, *end = p + len;
	uint32_t id;
	memcpy(&id, p, 4);
	p += 4;
	if (id != 0 || p >= end)
		return false;
	uint8_t version = *p++;
	if (version != 1 && version != 3)
		return false;
	const char *aug = (const char *)p;
	size_t alen = strnlen(aug, (size_t)(end - p));
	p += alen + 1;
	if (p > end)
		return false;
	ci->code_align = uleb(&p, end);
	ci->data_align = sleb(&p, end);
	ci->ra_reg = version == 1 ? (p < end ? *p++ : 0) : uleb(&p, end);
	ci->fde_enc = 0;
	ci->z = false;
	ci->signal = false;
	const uint8_t *aend = NULL;
	for (size_t i = 0; i < alen; i++) {
		switch (aug[i]) {
		case 'z': {
			if (i != 0)
				return false;
			ci->z = true;
			uint64_t zl = uleb(&p, end);
			if (zl > (uint64_t)(end - p))
				return false;
			aend = p + zl;
			break;
		}
		case 'R':
			if (p >= end)
				return false;
			ci->fde_enc = *p++;
			break;
		case 'L':
			if (p >= end)
				return false;
			p++;
			break;
		case 'P': {
			if (p >= end)
				return false;
			uint8_t enc = *p++;
			uintptr_t ignored;
			if (!read_enc(&p, end, enc & 0x7f, &ignored))
				return false;
			break;
		}
		case 'S':
			ci->signal = true;
			break;
		default:	/* not understood: the 'z' length skips it */
			if (!ci->z)
				return false;
			i = alen;
			break;
		}
	}
	if (ci->z) {
		if (!aend || aend > end)
			return false;
		p = aend;
	}
	ci->ins = p;
	ci->end = end;
	return ci->code_align != 0;
}

/* Run a CFA program from loc up to target (the row that holds target). */
static void run(const uint8_t *p, const uint8_t *end, const struct cie *ci, uintptr_t *loc,
		uintptr_t target, struct rules *r, const struct rules *init, bool in_cie)
{
	struct rules saved[4];
	int nsaved = 0;

	while (p < end && !r->bad) {
		uint8_t op = *p++, low = op & 0x3f;
		uint64_t reg, delta = 0;
		int64_t off;
		switch (op & 0xc0) {
		case 0x40:		/* advance_loc */
			delta = low;
			goto advance;
		case 0x80:		/* offset */
			reg = low;
			off = (int64_t)uleb(&p, end) * ci->data_align;
			goto offset;
		case 0xc0:		/* restore */
			reg = low;
			goto restore;
		}
		switch (op) {
		case 0x00:		/* nop */
			continue;
		case 0x01: {		/* set_loc */
			uintptr_t to;
			if (!read_enc(&p, end, ci->fde_enc, &to))
				goto bad;
			if (to > target)
				return;
			*loc = to;
			continue;
		}
		case 0x02:		/* advance_loc1, 2, 4 */
		case 0x03:
		case 0x04:
			if (!fixed(&p, end, op == 0x02 ? 1 : op == 0x03 ? 2 : 4, &delta))
				goto bad;
			goto advance;
		case 0x05:		/* offset_extended */
			reg = uleb(&p, end);
			off = (int64_t)uleb(&p, end) * ci->data_align;
			goto offset;
		case 0x11:		/* offset_extended_sf */
			reg = uleb(&p, end);
			off = sleb(&p, end) * ci->data_align;
			goto offset;
		case 0x06:		/* restore_extended */
			reg = uleb(&p, end);
			goto restore;
		case 0x07:		/* undefined */
		case 0x08:		/* same_value */
			reg = uleb(&p, end);
			if (reg == R_RSP || (reg == R_RA && op == 0x08))
				goto bad;
			if (reg < NREGS) {
				r->saved &= ~BIT(reg);
				r->lost &= ~BIT(reg);
			}
			continue;
		case 0x09:		/* register */
			reg = uleb(&p, end);
			(void)uleb(&p, end);
			goto lost;
		case 0x0a:		/* remember_state */
			if (nsaved == 4)
				goto bad;
			saved[nsaved++] = *r;
			continue;
		case 0x0b:		/* restore_state */
			if (nsaved == 0)
				goto bad;
			*r = saved[--nsaved];
			continue;
		case 0x0c:		/* def_cfa */
			r->cfa_reg = (int)uleb(&p, end);
			r->cfa_off = (int64_t)uleb(&p, end);
			continue;
		case 0x12:		/* def_cfa_sf */
			r->cfa_reg = (int)uleb(&p, end);
			r->cfa_off = sleb(&p, end) * ci->data_align;
			continue;
		case 0x0d:		/* def_cfa_register */
			r->cfa_reg = (int)uleb(&p, end);
			continue;
		case 0x0e:		/* def_cfa_offset */
			r->cfa_off = (int64_t)uleb(&p, end);
			continue;
		case 0x13:		/* def_cfa_offset_sf */
			r->cfa_off = sleb(&p, end) * ci->data_align;
			continue;
		case 0x10:		/* expression */
		case 0x16: {		/* val_expression */
			reg = uleb(&p, end);
			uint64_t n = uleb(&p, end);
			if (n > (uint64_t)(end - p))
				goto bad;
			p += n;
			goto lost;
		}
		case 0x14:		/* val_offset */
			reg = uleb(&p, end);
			(void)uleb(&p, end);
			goto lost;
		case 0x15:
			reg = uleb(&p, end);
			(void)sleb(&p, end);
			goto lost;
		case 0x2e:		/* GNU_args_size */
			(void)uleb(&p, end);
			continue;
		default:		/* def_cfa_expression, vendor ones */
			goto bad;
		}
advance:
		if (in_cie)
			continue;
		if (*loc + delta * ci->code_align > target)
			return;
		*loc += delta * ci->code_align;
		continue;
offset:
		if (reg == R_RSP)
			goto bad;
		if (reg < NREGS) {
			r->saved |= BIT(reg);
			r->lost &= ~BIT(reg);
			r->off[reg] = off;
		}
		continue;
restore:
		if (!init)
			goto bad;
		if (reg < NREGS) {
			r->saved = (r->saved & ~BIT(reg)) | (init->saved & BIT(reg));
			r->lost = (r->lost & ~BIT(reg)) | (init->lost & BIT(reg));
			r->off[reg] = init->off[reg];
		}
		continue;
lost:
		if (reg == R_RBP || reg == R_RA || reg == R_RSP)
			goto bad;
		if (reg < NREGS) {
			r->saved &= ~BIT(reg);
			r->lost |= BIT(reg);
		}
		continue;
bad:
		r->bad = true;
		return;
	}
}

/* The rules of the row holding pc, and the start of its function; false
 * when pc has no FDE this reads, or its rules are not followed. */
static bool frame_rules(uintptr_t pc, struct rules *r, uintptr_t *start)
{
	uintptr_t hdr;
	const int32_t *tab;
	uint64_t n;

	if (!db_stack_fde_table(pc, &hdr, &tab, &n) || n == 0)
		return false;
	/* the last entry whose start is at or below pc */
	uint64_t lo = 0, hi = n;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (hdr + (intptr_t)tab[2 * mid] <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return false;
	const uint8_t *fde = (const uint8_t *)(hdr + (intptr_t)tab[2 * (lo - 1) + 1]);
	uint32_t len, cie_off;
	memcpy(&len, fde, 4);
	if (len == 0 || len == 0xffffffffu)
		return false;
	const uint8_t *p = fde + 4, *end = p + len;
	memcpy(&cie_off, p, 4);
	struct cie ci;
	if (!parse_cie(p - cie_off, &ci) || ci.signal || ci.ra_reg != R_RA)
		return false;
	p += 4;
	uintptr_t begin, range;
	if (!read_enc(&p, end, ci.fde_enc, &begin) ||
	    !read_enc(&p, end, ci.fde_enc & 0x0f, &range) || pc < begin || pc - begin >= range)
		return false;
	if (ci.z) {
		uint64_t al = uleb(&p, end);
		if (al > (uint64_t)(end - p))
			return false;
		p += al;
	}
	struct rules init;
	memset(r, 0, sizeof(*r));
	r->cfa_reg = -1;
	uintptr_t loc = begin;
	run(ci.ins, ci.end, &ci, &loc, pc, r, NULL, true);
	init = *r;
	run(p, end, &ci, &loc, pc, r, &init, false);
	*start = begin;
	return !r->bad && (r->cfa_reg == R_RSP || r->cfa_reg == R_RBP) &&
	       r->cfa_off == (int32_t)r->cfa_off;
}

/* The shape at pc (looked up as is: callers pass a return address - 1). */
static void shape_of(uintptr_t pc, struct shape *sh)
{
	struct rules r;
	uintptr_t start;

	sh->pc = pc;
	sh->kind = SHAPE_BAD;
	if (!frame_rules(pc, &r, &start))
		return;
	if (!(r.saved & BIT(R_RA))) {
		sh->kind = SHAPE_END;
		return;
	}
	/* a call's return address is at CFA - 8 (stack.c's slots count on it) */
	bool bp = r.saved & BIT(R_RBP);
	if (r.off[R_RA] != -8 || (bp && (r.off[R_RBP] == 0 || r.off[R_RBP] != (int16_t)r.off[R_RBP])))
		return;
	sh->cfa_off = (int32_t)r.cfa_off;
	sh->cfa_bp = r.cfa_reg == R_RBP;
	sh->bp_off = bp ? (int16_t)r.off[R_RBP] : 0;
	sh->kind = SHAPE_OK;
}

static _Atomic uint64_t shapes_gen = 1;

void db_cfi_modules_changed(void)
{
	atomic_fetch_add(&shapes_gen, 1);
}

static const struct shape *lookup(struct db_shapes *c, uintptr_t pc)
{
	uint64_t h = (pc * 0x9e3779b97f4a7c15ull) >> (64 - SHAPE_BITS);
	struct shape *victim = &c->e[h];

	for (unsigned i = 0; i < SHAPE_PROBES; i++) {
		struct shape *e = &c->e[(h + i) & ((1u << SHAPE_BITS) - 1)];
		if (e->kind != SHAPE_NONE && e->pc == pc)
			return e;
		if (e->kind == SHAPE_NONE) {
			victim = e;
			break;
		}
	}
	shape_of(pc, victim);
	return victim;
}

static bool in_stack(const struct db_thread *t, uintptr_t a, uintptr_t sp)
{
	return a >= sp && a >= t->stack_lo && a + sizeof(uintptr_t) <= t->stack_hi && !(a & 7);
}

int db_cfi_backtrace(struct db_thread *t, uintptr_t ip, uintptr_t sp, uintptr_t bp,
		     uintptr_t *pcs, uintptr_t *sps, int max, bool *truncated)
{
	*truncated = false;
	if (max <= 0 || !t->stack_hi || sp < t->stack_lo || sp >= t->stack_hi)
		return 0;
	struct db_shapes *c = t->shapes;
	if (DB_UNLIKELY(!c)) {
		c = t->shapes = db_mem_alloc(sizeof(*c));
		if (!c)
			return 0;
	}
	uint64_t gen = atomic_load_explicit(&shapes_gen, memory_order_acquire);
	if (DB_UNLIKELY(c->gen != gen)) {	/* a module went: its pcs' shapes */
		memset(c->e, 0, sizeof(c->e));
		c->gen = gen;
	}
	int n = 0;
	uintptr_t look = ip;	/* frame 0 is the instruction itself */
	for (;;) {
		if (n == max) {
			*truncated = true;
			return n;
		}
		if (sps)
			sps[n] = sp;
		pcs[n++] = ip;
		const struct shape *sh = lookup(c, look);
		if (sh->kind == SHAPE_END)
			return n;
		if (sh->kind != SHAPE_OK)
			return 0;
		uintptr_t cfa = (sh->cfa_bp ? bp : sp) + (intptr_t)sh->cfa_off;
		uintptr_t ra_at = cfa - sizeof(uintptr_t);
		if (cfa <= sp || !in_stack(t, ra_at, sp) || cfa > t->stack_hi)
			return 0;
		if (sh->bp_off) {
			uintptr_t bp_at = cfa + (intptr_t)sh->bp_off;
			if (!in_stack(t, bp_at, sp))
				return 0;
			bp = *(const uintptr_t *)bp_at;
		}
		ip = *(const uintptr_t *)ra_at;
		sp = cfa;
		if (ip == 0)		/* a thread's start clears it */
			return n;
		look = ip - 1;		/* inside the call, not after it */
	}
}

bool db_cfi_caller_of(struct db_thread *t, uintptr_t fn, uintptr_t *sp_out, uintptr_t regs[6])
{
	/* DWARF numbers of rbx, rbp, r12-r15; rsp is 7 */
	static const int callee[6] = { 3, R_RBP, 12, 13, 14, 15 };
	uintptr_t reg[NREGS] = { 0 }, now[8];

	if (!fn || !t->stack_hi)
		return false;
	__asm__ volatile("leaq 0(%%rip), %%rax\n\tmovq %%rax, 0(%0)\n\t"
			 "movq %%rsp, 8(%0)\n\tmovq %%rbx, 16(%0)\n\tmovq %%rbp, 24(%0)\n\t"
			 "movq %%r12, 32(%0)\n\tmovq %%r13, 40(%0)\n\tmovq %%r14, 48(%0)\n\t"
			 "movq %%r15, 56(%0)"
			 : : "r"(now) : "rax", "memory");
	uintptr_t ip = now[0], look = now[0];
	reg[R_RSP] = now[1];
	for (int i = 0; i < 6; i++)
		reg[callee[i]] = now[2 + i];
	for (int depth = 0; depth < 24; depth++) {
		struct rules r;
		uintptr_t start, sp = reg[R_RSP];
		if (!frame_rules(look, &r, &start) || !(r.saved & BIT(R_RA)) || r.off[R_RA] != -8)
			return false;
		uintptr_t cfa = reg[r.cfa_reg] + (intptr_t)r.cfa_off;
		if (cfa <= sp || !in_stack(t, cfa - 8, sp))
			return false;
		for (int i = 0; i < 6; i++) {
			int c = callee[i];
			if (r.lost & BIT(c))
				return false;
			if (!(r.saved & BIT(c)))
				continue;
			uintptr_t at = cfa + (intptr_t)r.off[c];
			if (!in_stack(t, at, sp))
				return false;
			reg[c] = *(const uintptr_t *)at;
		}
		ip = *(const uintptr_t *)(cfa - 8);
		reg[R_RSP] = cfa;
		if (start == fn) {
			*sp_out = cfa;
			for (int i = 0; i < 6; i++)
				regs[i] = reg[callee[i]];
			return true;
		}
		if (!ip)
			return false;
		look = ip - 1;
	}
	return false;
}

void db_cfi_thread_gone(struct db_thread *t)
{
	db_mem_free(t->shapes, sizeof(*t->shapes));
	t->shapes = NULL;
}
