/* SPDX-License-Identifier: MIT */
/*
 * The rules of the seccomp filter, compiled with libseccomp when paddock is
 * built (seccomp_gen.c), not when it runs: seccomp.c installs the result.
 * Every rule and the reason for it is listed in docs/security.md; keep the
 * two in step.
 *
 * The filter allows by default and denies what neither the namespaces nor
 * the mounts contain: a deny-list is what keeps arbitrary toolchains
 * working, and each entry below names a door, not a guess.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux.h"

/* Kernel interfaces that are attack surface and that no build, test or
 * package manager needs: denied with EPERM, as without privileges. */
static const int denied_syscalls[] = {
	SCMP_SYS(bpf),
	SCMP_SYS(perf_event_open),
	SCMP_SYS(userfaultfd),
	SCMP_SYS(keyctl),
	SCMP_SYS(add_key),
	SCMP_SYS(request_key),
	SCMP_SYS(init_module),
	SCMP_SYS(finit_module),
	SCMP_SYS(delete_module),
	SCMP_SYS(kexec_load),
	SCMP_SYS(kexec_file_load),
};

/* io_uring performs I/O without the system calls this filter sees.
 * ENOSYS, so that libraries fall back to the classic calls. */
static const int unavailable_syscalls[] = {
	SCMP_SYS(io_uring_setup),
	SCMP_SYS(io_uring_enter),
	SCMP_SYS(io_uring_register),
};

/* The socket families a developer's tools use. Every other family
 * (packet, vsock, bluetooth, key, alg, xdp...) is refused. */
static bool family_allowed(int family)
{
	return family == AF_UNIX || family == AF_INET || family == AF_INET6 ||
	       family == AF_NETLINK;
}

static int deny_ioctl(scmp_filter_ctx ctx, unsigned long request)
{
	/* The kernel reads the request as an unsigned int: compare the low
	 * 32 bits only, so that garbage in the upper half cannot slip by. */
	return seccomp_rule_add(
		ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
		SCMP_A1_64(SCMP_CMP_MASKED_EQ, 0xffffffffULL, request));
}

static int add_socket_rules(scmp_filter_ctx ctx, bool deny_inet)
{
	int r = 0;

	/* Without a network namespace, "network off" is enforced here (and by
	 * Landlock's TCP rules where the kernel has them): no inet socket at
	 * all, loopback included. The errno is the same as for the other
	 * families: libseccomp folds every socket rule into one socketcall
	 * rule on i386, which can carry only one answer. */
	if (deny_inet)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT),
				     SCMP_SYS(socket), 1,
				     SCMP_A0_32(SCMP_CMP_EQ, AF_INET));
	if (r == 0 && deny_inet)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT),
				     SCMP_SYS(socket), 1,
				     SCMP_A0_32(SCMP_CMP_EQ, AF_INET6));

	for (int family = 0; r == 0 && family < AF_MAX; family++) {
		if (family_allowed(family))
			continue;
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT),
				     SCMP_SYS(socket), 1,
				     SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)family));
	}
	/* Families the kernel may add later. */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT),
				     SCMP_SYS(socket), 1,
				     SCMP_A0_32(SCMP_CMP_GE, AF_MAX));
	/* Netlink only for routing (getifaddrs, getaddrinfo's
	 * AI_ADDRCONFIG): audit, uevents, netfilter and the rest reach the
	 * kernel's configuration. */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPROTONOSUPPORT),
				     SCMP_SYS(socket), 2,
				     SCMP_A0_32(SCMP_CMP_EQ, AF_NETLINK),
				     SCMP_A2_32(SCMP_CMP_NE, NETLINK_ROUTE));
	/* The i386 multiplexer hides the family behind a pointer; 32-bit
	 * programs use the direct socket calls since Linux 4.3. */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				     SCMP_SYS(socketcall), 0);
	return r;
}

/* A user namespace inside the sandbox would give the command a full set of
 * capabilities over new namespaces: a large kernel attack surface. clone3
 * passes its flags in memory the filter cannot read, so it answers ENOSYS
 * and the C library falls back to clone. */
static int add_userns_rules(scmp_filter_ctx ctx)
{
	int r = seccomp_rule_add(
		ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 1,
		SCMP_A0_64(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));

	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
				     SCMP_SYS(clone), 1,
				     SCMP_A0_64(SCMP_CMP_MASKED_EQ,
						CLONE_NEWUSER, CLONE_NEWUSER));
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				     SCMP_SYS(clone3), 0);
	return r;
}

static int add_syscall_rules(scmp_filter_ctx ctx)
{
	int r = 0;

	for (size_t i = 0;
	     r == 0 && i < sizeof(denied_syscalls) / sizeof(denied_syscalls[0]);
	     i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
				     denied_syscalls[i], 0);
	for (size_t i = 0;
	     r == 0 &&
	     i < sizeof(unavailable_syscalls) / sizeof(unavailable_syscalls[0]);
	     i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				     unavailable_syscalls[i], 0);
	/* Terminal injection: the command shares the user's terminal (job
	 * control needs it), and TIOCSTI or TIOCLINUX would type commands
	 * into the shell that runs after it, outside the sandbox. */
	if (r == 0)
		r = deny_ioctl(ctx, TIOCSTI);
	if (r == 0)
		r = deny_ioctl(ctx, TIOCLINUX);
	return r;
}

/* Every architecture the kernel would run our processes under: on x86-64
 * also the i386 and x32 entry points, or a 32-bit call would bypass the
 * rules. Any other architecture is killed (libseccomp's default). */
static int add_architectures(scmp_filter_ctx ctx)
{
	int r = 0;

	if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
		r = seccomp_arch_add(ctx, SCMP_ARCH_X86);
		if (r == 0 || r == -EEXIST)
			r = seccomp_arch_add(ctx, SCMP_ARCH_X32);
	}
	return r == -EEXIST ? 0 : r;
}

static int export_filter(scmp_filter_ctx ctx, struct sock_fprog *ret)
{
	int fd = memfd_create("paddock-seccomp", MFD_CLOEXEC);
	void *buf = NULL;
	off_t size;
	int r;

	if (fd < 0)
		return -errno;
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		goto out_close;
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % sizeof(struct sock_filter) ||
	    size / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		r = -EINVAL;
		goto out_close;
	}
	buf = malloc((size_t)size);
	if (!buf) {
		r = -ENOMEM;
		goto out_close;
	}
	if (pread(fd, buf, (size_t)size, 0) != size) {
		free(buf);
		r = -EIO;
		goto out_close;
	}
	ret->len = (unsigned short)(size / sizeof(struct sock_filter));
	ret->filter = buf;
	r = 0;
out_close:
	close(fd);
	return r;
}

int seccomp_compile(const struct seccomp_options *opts, struct sock_fprog *ret)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx)
		return -ENOMEM;
	r = add_architectures(ctx);
	if (r == 0)
		r = add_syscall_rules(ctx);
	if (r == 0)
		r = add_socket_rules(ctx, opts->deny_inet);
	if (r == 0 && !opts->allow_userns)
		r = add_userns_rules(ctx);
	if (r == 0)
		r = export_filter(ctx, ret);
	seccomp_release(ctx);
	return r;
}
