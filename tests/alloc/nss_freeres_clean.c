/* Functions whose results libc keeps for the process's lifetime: user and
 * group lookups (NSS modules loaded on demand), the locale, time zones,
 * a stdio stream left open.  glibc frees them at exit when asked
 * (__libc_freeres, as Valgrind does) or keeps them reachable: nothing is
 * reported.
 * EXPECT: clean
 */
#include <grp.h>
#include <locale.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <time.h>

int main(void)
{
	time_t t = 0;
	char buf[64];

	setlocale(LC_ALL, "C.UTF-8");
	getpwuid(0);
	getgrgid(0);
	getprotobyname("tcp");
	tzset();
	strftime(buf, sizeof(buf), "%c", localtime(&t));
	FILE *f = fopen("/proc/self/stat", "r");
	if (f && fgets(buf, sizeof(buf), f))
		fputs("", stderr);
	return 0;	/* f stays open */
}
