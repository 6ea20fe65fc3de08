/* dlopen_local.c's library: `rounds` parallel regions of two threads;
 * in each, thread 0 writes a global before a barrier and thread 1 reads
 * it after.  Answers how many reads saw the write. */
#include <omp.h>

long handed;

long omp_work(int rounds)
{
	long seen = 0;

	for (int k = 0; k < rounds; k++) {
#pragma omp parallel num_threads(2) reduction(+:seen)
		{
			if (omp_get_thread_num() == 0)
				handed = k + 1;
#pragma omp barrier
			if (omp_get_thread_num() == 1)
				seen += handed == k + 1;
		}
	}
	return seen;
}
