/* SPDX-License-Identifier: MIT */
/*
 * i386: a freestanding 32-bit program (no C library, so no multilib is
 * needed) that makes one i386 system call through int $0x80 and exits with
 * its errno, or 0 when the call succeeded. The call is chosen at build
 * time: cc -m32 -nostdlib -static -DNR=310 -DARG1=0x10000000 (unshare with
 * CLONE_NEWUSER).
 */
#ifndef NR
#error "build with -DNR=<i386 system call number>"
#endif
#ifndef ARG1
#define ARG1 0
#endif
#ifndef ARG2
#define ARG2 0
#endif
#ifndef ARG3
#define ARG3 0
#endif

void _start(void)
{
	int r;

	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(NR), "b"(ARG1), "c"(ARG2), "d"(ARG3)
			 : "memory");
	if (r > 0)
		r = 0;
	__asm__ volatile("int $0x80" : : "a"(1), "b"(-r));
	for (;;)
		;
}
