/* dlopen_global.c, with the library loaded only once the sampler has run
 * a while and given its disassembler back (the program checks that it is
 * no longer mapped): the new library's code must still be disassembled
 * (the disassembler loaded again) and its racy global found.
 * BUILD: %cc -shared -fPIC -g -O1 -Wall -Wextra -Werror -o %B/libracy.so %S/dlopen_global_lib.c
 * ARGS: %B/libracy.so
 * EXPECT: data-race 1
 * EXPECT-FUNC: data-race lib_bump
 * EXPECT-JSON: F('data-race')[0]['symbol'] == 'lib_counter'
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#define DLOPEN_LATE 1
#include "dlopen_global.c"
