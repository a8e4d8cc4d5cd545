/* SPDX-License-Identifier: MIT */
/* Capabilities and the seccomp filter. */
#include <errno.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux.h"

#ifndef SECBIT_NOROOT
#define SECBIT_NOROOT (1 << 0)
#define SECBIT_NOROOT_LOCKED (1 << 1)
#define SECBIT_NO_SETUID_FIXUP (1 << 2)
#define SECBIT_NO_SETUID_FIXUP_LOCKED (1 << 3)
#define SECBIT_KEEP_CAPS_LOCKED (1 << 5)
#define SECBIT_NO_CAP_AMBIENT_RAISE (1 << 6)
#define SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED (1 << 7)
#endif

/*
 * Inside its user namespace the sandbox starts with every capability, and
 * when paddock runs as root the command would be uid 0 there, which exec
 * would hand a full set again. So: empty the bounding set, lock the
 * securebits so that uid 0 earns nothing at exec, clear the ambient set,
 * then empty the three sets and read them back.
 */
int caps_drop_all(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { 0 };

	for (unsigned long cap = 0; cap < 64; cap++) {
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return -errno;
	}
	if (prctl(PR_SET_SECUREBITS,
		  SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
			  SECBIT_NO_SETUID_FIXUP |
			  SECBIT_NO_SETUID_FIXUP_LOCKED |
			  SECBIT_KEEP_CAPS_LOCKED |
			  SECBIT_NO_CAP_AMBIENT_RAISE |
			  SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED,
		  0, 0, 0) < 0)
		return -errno;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return -errno;
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;

	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	for (int i = 0; i < 2; i++) {
		if (data[i].effective || data[i].permitted ||
		    data[i].inheritable)
			return -EPERM;
	}
	for (unsigned long cap = 0; cap < 64; cap++) {
		int r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);

		if (r > 0)
			return -EPERM;
		if (r < 0)
			break;
	}
	return 0;
}

/* The ioctl number is an unsigned int to the kernel: compare only the low
 * 32 bits so that garbage in the upper half cannot slip past. */
static int deny_ioctl(scmp_filter_ctx ctx, unsigned long request)
{
	return seccomp_rule_add(
		ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
		SCMP_A1_64(SCMP_CMP_MASKED_EQ, 0xffffffffULL, request));
}

/* Every architecture the kernel would run our processes under. */
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
	off_t size;
	void *buf;
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

/*
 * The filter of the foundation: terminal injection. TIOCSTI pushes input
 * into the terminal the command shares with the user's shell, TIOCLINUX can
 * do the same on a virtual console; either would run commands outside the
 * sandbox once the command exits. The command stays in the user's session
 * so that job control works, which is why the ioctl must be filtered.
 */
int seccomp_build(struct sock_fprog *ret)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx)
		return -ENOMEM;
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (r == 0)
		r = add_architectures(ctx);
	if (r == 0)
		r = deny_ioctl(ctx, TIOCSTI);
	if (r == 0)
		r = deny_ioctl(ctx, TIOCLINUX);
	if (r == 0)
		r = export_filter(ctx, ret);
	seccomp_release(ctx);
	return r;
}

int seccomp_install(const struct sock_fprog *prog)
{
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) < 0)
		return -errno;
	return 0;
}
