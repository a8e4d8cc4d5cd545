/* SPDX-License-Identifier: MIT */
/* paddock check: what this machine can enforce, and how. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "cli.h"

static const char *state(int error)
{
	return error ? "unavailable" : "available";
}

static void print_switch(const char *name, int value)
{
	if (value < 0)
		printf("  %-44s absent\n", name);
	else
		printf("  %-44s %d\n", name, value);
}

int cli_check(int argc, char **argv)
{
	struct paddock_probe p;
	struct utsname u;

	(void)argv;
	if (argc > 1) {
		cli_say("check takes no arguments");
		return EXIT_PADDOCK_FAILED;
	}
	paddock_probe(&p);
	uname(&u);
	printf("paddock %s on %s %s (%s)\n", PADDOCK_VERSION, u.sysname,
	       u.release, u.machine);
	printf("user namespaces:                      %s",
	       state(p.user_namespaces));
	if (p.user_namespaces)
		printf(" (%s)", strerror(p.user_namespaces));
	printf("\n");
	print_switch("kernel.unprivileged_userns_clone", p.userns_sysctl);
	print_switch("kernel.apparmor_restrict_unprivileged_userns",
		     p.apparmor_userns);
	print_switch("user.max_user_namespaces", p.max_user_namespaces);
	printf("mount API (open_tree, mount_setattr): %s\n",
	       state(p.mount_api));
	printf("private /proc:                        %s\n",
	       state(p.proc_mount));
	printf("seccomp filters:                      %s\n", state(p.seccomp));
	if (p.landlock_abi > 0)
		printf("Landlock:                             ABI %d\n",
		       p.landlock_abi);
	else
		printf("Landlock:                             unavailable (%s)\n",
		       strerror(-p.landlock_abi));
	printf("namespace-free mode:                  %s\n",
	       p.namespace_free
		       ? "unavailable (needs Landlock ABI 6, Linux 6.12)"
		       : "available");
	if (!p.isolation) {
		printf("paddock run: cannot enforce the default policy here; it would refuse to run\n");
		return 1;
	}
	if (strcmp(p.isolation, "namespaces") == 0)
		printf("paddock run: enforces the default policy with namespaces (user, mount, PID, IPC, network), Landlock, seccomp and no_new_privs\n");
	else
		printf("paddock run: enforces the default policy without namespaces (Landlock, seccomp, no_new_privs): new entries cannot be created at the top of writable roots, and deny-read paths are refused\n");
	return 0;
}
