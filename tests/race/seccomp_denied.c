/* A seccomp filter makes pwrite64 (how deadbolt writes its code
 * breakpoints, through /proc/self/mem) and perf_event_open (hardware
 * watchpoints) fail with EPERM, as container runtimes do with calls they do
 * not expect: the program installs it (no_new_privs, then a BPF filter that
 * checks the architecture and the system call number) and re-execs itself
 * with SECCOMP_DENIED=1 set; the filter stays on across exec.  In the new
 * image deadbolt cannot arm anything: race detection is unavailable, says
 * so on stderr and in the report (state "unavailable", a reason naming the
 * refusal), and the rest goes on: the A/B lock-order inversion (two
 * threads, joined in between) and the leak of that image are reported as
 * usual.
 * EXPECT: lock-order-inversion 1, leak 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 * EXPECT-FUNC: leak make_garbage
 * EXPECT-JSON: F('leak')[0]['bytes'] == 300 and F('leak')[0]['blocks'] == 3
 * EXPECT-JSON: len(j['processes']) == 2 and len({p['pid'] for p in j['processes']}) == 1
 * EXPECT-JSON: [(p.get('race') or {}).get('state') for p in j['processes'] if p['exit'] == 0] == ['unavailable']
 * EXPECT-JSON: [(p.get('race') or {}).get('state') for p in j['processes'] if p['exit'] is None] != ['unavailable']
 * EXPECT-JSON: any(w in str(p['race'].get('reason')) for p in j['processes'] if p['exit'] == 0 for w in ('EPERM', 'denied', 'not permitted'))
 * EXPECT-STDERR: (?i)race[^\n]*unavailable
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define THIS_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define THIS_ARCH AUDIT_ARCH_AARCH64
#else
#error "seccomp_denied.c: name this machine's AUDIT_ARCH"
#endif

#include "../ab_ba.h"

/* perf_event_open and pwrite64 -> EPERM, everything else allowed.  The
 * numbers are only meaningful for this architecture's system call table:
 * calls made through another ABI are let through (nothing here makes any). */
static int deny_patching(void)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, THIS_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_perf_event_open, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_pwrite64, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = sizeof(code) / sizeof(code[0]),
		.filter = code,
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

__attribute__((noinline)) void *make_garbage(size_t n)
{
	void *p = malloc(n);

	memset(p, 0x5a, n);
	return p;
}

#include "../scrub.h"

int main(int argc, char **argv)
{
	(void)argc;
	if (!getenv("SECCOMP_DENIED")) {
		if (deny_patching() != 0)
			return 2;
		if (setenv("SECCOMP_DENIED", "1", 1) != 0)
			return 3;
		execv("/proc/self/exe", argv);
		return 127;
	}
	/* the filter is on: make sure, or the test proves nothing */
	if (syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0) != -1 || errno != EPERM)
		return 4;
	if (pwrite(-1, "", 0, 0) != -1 || errno != EPERM)	/* not EBADF */
		return 5;
	run(take_ab);
	run(take_ba);
	for (int i = 0; i < 3; i++)
		make_garbage(100);
	scrub();
	return 0;
}
