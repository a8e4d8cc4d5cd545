/* SPDX-License-Identifier: MIT */
/*
 * The namespace-free mode, for machines where unprivileged user namespaces
 * are blocked (Ubuntu 23.10+'s AppArmor restriction, Docker's default
 * seccomp profile). The same supervisor and command processes as in full
 * isolation, without namespaces: the command is confined by Landlock,
 * seccomp and no_new_privs alone, and the supervisor, a child subreaper,
 * kills every descendant when the command ends or paddock dies.
 *
 * What it can enforce, and what it refuses rather than weaken, is decided
 * by direct_check(); docs/linux.md explains the costs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux.h"

/* Scoping of signals and abstract sockets: without it the command could
 * signal the user's other processes and reach the host's abstract sockets. */
#define DIRECT_MIN_ABI 6

const char *direct_check(const struct paddock_policy *policy,
			 const struct plan *plan, int abi)
{
	if (abi < 0)
		return "Landlock is not available in this kernel";
	if (abi < DIRECT_MIN_ABI)
		return "Landlock is older than ABI 6 (Linux 6.12), which scopes signals and abstract sockets";
	if (plan->n_deny)
		return "deny-read paths need the mount namespace";
	if (policy->network == PADDOCK_NETWORK_PROXY)
		return "proxy mode needs a network namespace, so that the proxy is the only way out";
	return NULL;
}

static const char *const tmp_variables[] = {
	"TMPDIR", "TMP", "TEMP", "TEMPDIR", NULL,
};

static bool is_tmp_variable(const char *entry)
{
	for (size_t i = 0; tmp_variables[i]; i++) {
		size_t n = strlen(tmp_variables[i]);

		if (strncmp(entry, tmp_variables[i], n) == 0 && entry[n] == '=')
			return true;
	}
	return false;
}

/* The command's environment with the temporary-directory variables
 * pointing at the private scratch directory. */
static int scratch_environment(char *const *envp, const char *scratch,
			       struct strv *ret)
{
	int r = 0;

	for (size_t i = 0; r == 0 && envp[i]; i++) {
		if (!is_tmp_variable(envp[i]))
			r = strv_push(ret, envp[i]);
	}
	for (size_t i = 0; r == 0 && tmp_variables[i]; i++) {
		char *entry;

		if (asprintf(&entry, "%s=%s", tmp_variables[i], scratch) < 0)
			return -ENOMEM;
		r = strv_push_owned(ret, entry);
	}
	return r;
}

/*
 * The top level of /tmp is frozen like that of every writable root, so the
 * command gets a private directory below it as $TMPDIR, created here and
 * removed when the run ends.
 */
int direct_prepare(struct sandbox_spec *spec, struct strv *env,
		   struct paddock_error *err)
{
	const char *base = getenv("TMPDIR");
	struct stat st;
	char *scratch;

	if (!base || base[0] != '/' || stat(base, &st) < 0 ||
	    !S_ISDIR(st.st_mode))
		base = "/tmp";
	if (asprintf(&scratch, "%s/paddock-tmp.XXXXXX", base) < 0)
		return -ENOMEM;
	if (!mkdtemp(scratch)) {
		int r = error_set(
			err, PADDOCK_STEP_SPAWN, errno, base,
			"cannot create the private temporary directory");

		free(scratch);
		return r;
	}
	spec->scratch = scratch;
	return scratch_environment(spec->envp, scratch, env);
}

static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

/* The command is dead by now: nothing races the walk, which does not
 * follow symbolic links nor cross mount points. */
void direct_remove_scratch(const char *scratch)
{
	if (scratch)
		nftw(scratch, remove_entry, 16,
		     FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

void direct_cleanup(struct sandbox_spec *spec)
{
	direct_remove_scratch(spec->scratch);
	free(spec->scratch);
	spec->scratch = NULL;
}

static volatile sig_atomic_t parent_died;

static void on_parent_death(int sig)
{
	(void)sig;
	parent_died = 1;
}

bool supervisor_parent_died(void)
{
	return parent_died;
}

/* The supervisor hears of paddock's death by a signal of its own choosing,
 * which paddock never forwards, so that it can clean up before it exits. */
int supervisor_watch_parent(void)
{
	struct sigaction sa = { .sa_handler = on_parent_death };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGRTMIN, &sa, NULL) < 0 ||
	    prctl(PR_SET_PDEATHSIG, SIGRTMIN, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

/* Without a PID namespace, a child subreaper receives the orphans of its
 * tree, so that it can kill them. */
int direct_supervisor_setup(void)
{
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return -errno;
	return supervisor_watch_parent();
}

/* SIGKILL every process listed as our child; returns how many. */
static int kill_children(void)
{
	char path[64], buf[4096];
	int fd, n = 0;
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/self/task/%d/children", getpid());
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while ((len = read(fd, buf, sizeof(buf) - 1)) > 0) {
		char *p = buf, *end;

		buf[len] = '\0';
		for (long pid; (pid = strtol(p, &end, 10)) > 0; p = end) {
			kill((pid_t)pid, SIGKILL);
			n++;
		}
	}
	close(fd);
	return n;
}

/*
 * Kill the whole tree. Orphans of killed processes are reparented to us (we
 * are a subreaper) and show up on the next pass; the loop ends when no child
 * is left to wait for.
 */
void direct_kill_tree(void)
{
	for (;;) {
		kill_children();
		while (waitpid(-1, NULL, __WALL | WNOHANG) > 0)
			;
		if (waitpid(-1, NULL, __WALL | WNOHANG) < 0 && errno == ECHILD)
			return;
		usleep(1000);
	}
}
