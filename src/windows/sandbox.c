/* SPDX-License-Identifier: MIT */
/*
 * The sandbox of one run in the unelevated mode, in the order its steps
 * must happen: paddock's home (never inside a writable root, or the
 * command could rewrite the SID store and the stubs), the capability SIDs,
 * the ACL plan, the restricted token (built before any ACL is written, so
 * that a system that cannot build it changes nothing), the ACL entries and
 * placeholders, then the Everyone-writable audit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows/elevated.h"
#include "windows/sandbox.h"
#include "windows/setup.h"

/* The store's key of the workspace's capability SID. */
static int workspace_key(const char *workspace, char **ret)
{
	char *folded;
	int r = win_path_key(workspace, &folded);

	if (r < 0)
		return r;
	r = asprintf(ret, "workspace:%s", folded) < 0 ? -ENOMEM : 0;
	free(folded);
	return r;
}

struct sids {
	char *workspace; /* the workspace's, or the read-only one */
	char *other; /* the other writable roots', or NULL */
	const char *list[2];
	size_t n;
};

static void sids_free(struct sids *s)
{
	free(s->workspace);
	free(s->other);
}

static int get_sids(const struct paddock_policy *policy,
		    const struct win_resolved *res, const char *home,
		    struct sids *s, struct paddock_error *err)
{
	char *key;
	int r;

	*s = (struct sids){ 0 };
	if (policy->mode == PADDOCK_MODE_READ_ONLY) {
		r = win_capsid_get(home, "read-only", &s->workspace, err);
	} else {
		r = workspace_key(res->workspace, &key);
		if (r < 0)
			return r;
		r = win_capsid_get(home, key, &s->workspace, err);
		free(key);
		for (size_t i = 0; r == 0 && i < res->n_roots && !s->other;
		     i++) {
			if (!res->roots[i].is_workspace)
				r = win_capsid_get(home, "other-roots",
						   &s->other, err);
		}
	}
	if (r < 0) {
		sids_free(s);
		return r;
	}
	s->list[s->n++] = s->workspace;
	if (s->other)
		s->list[s->n++] = s->other;
	return 0;
}

/* The pure plan's input: each root with its SID and protected names. */
static int build_plan(const struct win_resolved *res, const struct sids *s,
		      struct win_acl_plan *ret, struct paddock_error *err)
{
	struct win_acl_root *roots = calloc(res->n_roots + 1, sizeof(*roots));
	const char **git_dirs = calloc(res->n_git_dirs + 1, sizeof(*git_dirs));
	struct win_acl_name *names = NULL;
	size_t total = 0, at = 0;
	int r = -ENOMEM;

	for (size_t i = 0; i < res->n_roots; i++)
		total += res->roots[i].n_names;
	if (roots)
		names = calloc(total + 1, sizeof(*names));
	for (size_t i = 0; names && i < res->n_roots; i++) {
		const struct win_resolved_root *root = &res->roots[i];

		roots[i] = (struct win_acl_root){
			.path = root->path,
			.capability_sid =
				root->is_workspace ? s->workspace : s->other,
			.names = names + at,
			.n_names = root->n_names,
		};
		for (size_t j = 0; j < root->n_names; j++)
			names[at++] = (struct win_acl_name){
				.name = root->names[j].name,
				.missing = root->names[j].missing ||
					   root->names[j].placeholder,
			};
	}
	for (size_t i = 0; git_dirs && i < res->n_git_dirs; i++)
		git_dirs[i] = res->git_dirs[i].path;
	if (names && git_dirs)
		r = win_acl_plan_build(roots, res->n_roots, git_dirs,
				       res->n_git_dirs, ret);
	if (r == -EINVAL)
		error_set(
			err, PADDOCK_STEP_ACL, EINVAL, res->workspace,
			"the writable roots and protected names contradict each other");
	free(git_dirs);
	free(names);
	free(roots);
	return r;
}

static int check_home(const struct win_resolved *res, const char *home,
		      struct paddock_error *err)
{
	for (size_t i = 0; i < res->n_roots; i++) {
		if (win_path_is_under(home, res->roots[i].path))
			return error_set(
				err, PADDOCK_STEP_CAPABILITY_SID, EINVAL, home,
				"paddock's home lies inside a writable root, where the command could change it; set PADDOCK_HOME elsewhere");
	}
	return 0;
}

static void say_what_is_enforced(const struct paddock_policy *policy,
				 const struct win_resolved *res,
				 const struct win_sandbox *sb)
{
	for (size_t i = 0; i < res->n_roots; i++)
		log_msg(policy, PADDOCK_LOG_INFO, "writable root: %s",
			res->roots[i].path);
	for (size_t i = 0; i < sb->n_placeholders; i++)
		log_msg(policy, PADDOCK_LOG_INFO,
			"reserved missing protected name %s",
			sb->placeholder_paths[i]);
	for (size_t i = 0; i < res->n_git_dirs; i++)
		log_msg(policy, PADDOCK_LOG_INFO,
			"protected git directory %s (named by %s)",
			res->git_dirs[i].path, res->git_dirs[i].pointer);
	log_msg(policy, PADDOCK_LOG_INFO,
		"%s: a write-restricted token confines writes to %s",
		sb->setup ? "elevated mode" : "unelevated mode",
		policy->mode == PADDOCK_MODE_READ_ONLY
			? "nothing (read-only)"
			: "the writable roots, minus the protected names");
}

/* The elevated mode keeps the capability SIDs for the runner's request;
 * the token is the runner's to build, from its own. */
static int keep_sids(struct win_sandbox *sb, const struct sids *s)
{
	for (size_t i = 0; i < s->n; i++) {
		sb->caps[i] = strdup(s->list[i]);
		if (!sb->caps[i])
			return -ENOMEM;
		sb->n_caps++;
	}
	return 0;
}

/* The token, the ACL entries, the audit: everything but full access. In
 * the elevated mode the sandbox group gets the roots' grants too, and
 * read on the working directory's components. */
static int confine(const struct paddock_policy *policy,
		   const struct win_resolved *res, struct win_sandbox *sb,
		   struct paddock_error *err)
{
	struct win_acl_plan plan = { 0 };
	char *logon = NULL;
	struct sids s;
	int r = get_sids(policy, res, sb->home, &s, err);

	if (r < 0)
		return r;
	r = build_plan(res, &s, &plan, err);
	if (r == 0 && sb->setup)
		r = win_acl_plan_add_group(&plan, sb->group_sid);
	if (r == 0 && sb->setup)
		r = keep_sids(sb, &s);
	else if (r == 0)
		r = win_rtoken_build(&win_token_unelevated, s.list, s.n, NULL,
				     &sb->token, &logon, err);
	if (r == 0)
		r = win_aclw_apply(policy, &plan, sb, err);
	if (r == 0 && sb->setup)
		win_elevated_grant_cwd(policy, sb->setup, sb->group_sid,
				       res->workspace);
	if (r == 0) {
		/* The elevated mode's logon SID is the runner's, unknown
		 * here: the audit then checks Everyone alone. */
		win_audit_run(policy, res, logon, s.list, s.n);
		say_what_is_enforced(policy, res, sb);
	}
	free(logon);
	win_acl_plan_free(&plan);
	sids_free(&s);
	return r;
}

static void say_network(const struct paddock_policy *policy,
			const struct win_sandbox *sb)
{
	if (sb->setup)
		log_msg(policy, PADDOCK_LOG_INFO,
			"network off: the command runs as the offline sandbox user, whose every outbound packet the firewall rule of 'paddock setup' blocks");
	else
		log_msg(policy, PADDOCK_LOG_INFO,
			"network off is ADVISORY in the unelevated mode: proxies point at a closed port and ssh/scp are stubbed, but a program with its own socket code still reaches the network; the elevated mode ('paddock setup') blocks it");
}

int win_sandbox_prepare(const struct paddock_policy *policy,
			const struct win_resolved *res,
			const struct win_setup_info *setup,
			struct win_sandbox **ret, struct paddock_error *err)
{
	struct win_sandbox *sb = calloc(1, sizeof(*sb));
	int r;

	if (!sb)
		return -ENOMEM;
	sb->setup = setup;
	r = setup ? win_str_utf8(setup->group_sid, &sb->group_sid) : 0;
	if (r < 0)
		r = error_set(err, PADDOCK_STEP_SETUP, -r, NULL,
			      "the sandbox group's SID is not valid");
	if (r == 0)
		r = win_home_dir(&sb->home, err);
	if (r == 0)
		r = check_home(res, sb->home, err);
	if (r == 0 && policy->network == PADDOCK_NETWORK_OFF) {
		r = win_home_stubs(sb->home, &sb->stub_dir, err);
		say_network(policy, sb);
	}
	if (r == 0 && policy->network == PADDOCK_NETWORK_PROXY)
		log_msg(policy, PADDOCK_LOG_INFO,
			"network: proxy: the command runs as the offline sandbox user, whose filters leave only 127.0.0.1:%d-%d, the proxies' ports, open",
			WIN_PROXY_PORT_FIRST, WIN_PROXY_PORT_LAST);
	if (r == 0 && policy->mode == PADDOCK_MODE_FULL_ACCESS)
		log_msg(policy, PADDOCK_LOG_INFO,
			"full access: no restricted token, no ACL entries");
	else if (r == 0)
		r = confine(policy, res, sb, err);
	if (r < 0) {
		win_sandbox_finish(policy, sb);
		return r;
	}
	*ret = sb;
	return 0;
}

void win_sandbox_finish(const struct paddock_policy *policy,
			struct win_sandbox *sb)
{
	if (!sb)
		return;
	win_aclw_release(policy, sb);
	for (size_t i = 0; i < sb->n_caps; i++)
		free(sb->caps[i]);
	free(sb->group_sid);
	if (sb->token)
		CloseHandle(sb->token);
	free(sb->stub_dir);
	free(sb->home);
	free(sb);
}
