/* SPDX-License-Identifier: MIT */
/*
 * The ACL plan: which entries the unelevated mode writes, on which paths,
 * for which capability SIDs. The Win32 layer reads the DACLs, skips the
 * entries already present and writes the others.
 *
 * How the entries work with the write-restricted token (token.c): every
 * write is checked twice, once for the user and once for the restricting
 * SIDs (the run's capability SIDs, the logon SID, Everyone). Reads are
 * checked once, as the user. So:
 *
 * - On each writable root, the root's capability SID is allowed read,
 *   write and execute on the root directory itself, and read, write,
 *   execute, delete and delete-child on everything below it (an
 *   inherit-only entry). The root itself gets no delete-child: Windows
 *   lets a holder of delete-child on a directory delete or rename any
 *   entry in it whatever that entry's own DACL says, and a command that
 *   could rename ".git" away could then create a new one. Each entry below
 *   the root carries its own inherited delete right instead.
 *
 * - On each protected name at the top of a root, every capability SID of
 *   the run is denied every right that changes the object, its contents,
 *   its name or its security, inherited by everything inside it. An
 *   explicit deny is ordered before every allow, and inherited entries from
 *   the nearer ancestor come first, so the deny wins over the root's
 *   inherited allow. Denying every capability SID of the run, not only the
 *   root's, keeps the name closed to a second root that contains the first.
 *
 * - A git directory that a ".git" file at the top of a root points to
 *   (a worktree's git directory and its common directory, a submodule's
 *   directory under the superproject's .git) holds the hooks and the
 *   config git runs, so it gets the same deny entries as a protected
 *   name, wherever it lies. Outside the writable roots no grant of
 *   paddock's reaches it, but the deny is still needed: the user's own
 *   DACLs may grant Everyone or the logon session write access there
 *   (a directory made at a drive's root inherits such an entry), and
 *   both are restricting SIDs of the token. A writable root at or below
 *   such a directory is refused (its explicit grant would come before the
 *   inherited deny), and so is a volume root (a deny there would be
 *   propagated over the whole volume).
 *
 * - A protected name that does not exist cannot carry an entry, and a deny
 *   of FILE_ADD_FILE or FILE_ADD_SUBDIRECTORY on the root would forbid
 *   every new entry at the top of the root, not one name. So, as the Linux
 *   backend does, a missing name is reserved: the plan marks its entries
 *   "placeholder", and the Win32 layer creates an empty directory there
 *   before the run, applies the deny entries to it, and removes it after
 *   the run when it is still empty and no other run uses the root. An
 *   empty directory is invisible to git (which tracks no directories) and
 *   is not a repository, so git discovery walks past an empty ".git".
 *   aclw.c creates them, shares them between concurrent runs and removes
 *   them.
 *
 * - The null device is allowed read and write for each capability SID:
 *   tools open "NUL" for writing, and the restricted check of that write
 *   needs a restricting SID the device's DACL grants.
 *
 * Known shortcoming: an object whose DACL grants write to Everyone (or to
 * the logon SID) passes the restricted check through that restricting SID,
 * whatever this plan says; the Win32 layer audits such directories and
 * denies them to the capability SIDs. That includes a writable root whose
 * own DACL gives Everyone delete-child, through which ".git" could be
 * renamed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
#endif

#include "windows/logic.h"

#ifdef _WIN32
/* The constants of logic.h are Windows's own. */
_Static_assert(WIN_ACL_READ_DATA == FILE_READ_DATA, "FILE_READ_DATA");
_Static_assert(WIN_ACL_WRITE_DATA == FILE_WRITE_DATA, "FILE_WRITE_DATA");
_Static_assert(WIN_ACL_WRITE_DATA == FILE_ADD_FILE, "FILE_ADD_FILE");
_Static_assert(WIN_ACL_APPEND_DATA == FILE_APPEND_DATA, "FILE_APPEND_DATA");
_Static_assert(WIN_ACL_APPEND_DATA == FILE_ADD_SUBDIRECTORY,
	       "FILE_ADD_SUBDIRECTORY");
_Static_assert(WIN_ACL_READ_EA == FILE_READ_EA, "FILE_READ_EA");
_Static_assert(WIN_ACL_WRITE_EA == FILE_WRITE_EA, "FILE_WRITE_EA");
_Static_assert(WIN_ACL_EXECUTE == FILE_EXECUTE, "FILE_EXECUTE");
_Static_assert(WIN_ACL_DELETE_CHILD == FILE_DELETE_CHILD, "FILE_DELETE_CHILD");
_Static_assert(WIN_ACL_READ_ATTRIBUTES == FILE_READ_ATTRIBUTES,
	       "FILE_READ_ATTRIBUTES");
_Static_assert(WIN_ACL_WRITE_ATTRIBUTES == FILE_WRITE_ATTRIBUTES,
	       "FILE_WRITE_ATTRIBUTES");
_Static_assert(WIN_ACL_DELETE == DELETE, "DELETE");
_Static_assert(WIN_ACL_READ_CONTROL == READ_CONTROL, "READ_CONTROL");
_Static_assert(WIN_ACL_WRITE_DAC == WRITE_DAC, "WRITE_DAC");
_Static_assert(WIN_ACL_WRITE_OWNER == WRITE_OWNER, "WRITE_OWNER");
_Static_assert(WIN_ACL_SYNCHRONIZE == SYNCHRONIZE, "SYNCHRONIZE");
_Static_assert(WIN_ACL_GENERIC_READ == FILE_GENERIC_READ, "FILE_GENERIC_READ");
_Static_assert(WIN_ACL_GENERIC_WRITE == FILE_GENERIC_WRITE,
	       "FILE_GENERIC_WRITE");
_Static_assert(WIN_ACL_GENERIC_EXECUTE == FILE_GENERIC_EXECUTE,
	       "FILE_GENERIC_EXECUTE");
_Static_assert(WIN_ACL_OBJECT_INHERIT == OBJECT_INHERIT_ACE,
	       "OBJECT_INHERIT_ACE");
_Static_assert(WIN_ACL_CONTAINER_INHERIT == CONTAINER_INHERIT_ACE,
	       "CONTAINER_INHERIT_ACE");
_Static_assert(WIN_ACL_INHERIT_ONLY == INHERIT_ONLY_ACE, "INHERIT_ONLY_ACE");
#endif

/* The root directory itself: no delete, no delete-child (see above). */
#define ROOT_SELF_MASK \
	(WIN_ACL_GENERIC_READ | WIN_ACL_GENERIC_WRITE | WIN_ACL_GENERIC_EXECUTE)
/* Everything below a root. */
#define ROOT_BELOW_MASK (ROOT_SELF_MASK | WIN_ACL_DELETE | WIN_ACL_DELETE_CHILD)
#define INHERIT_ALL (WIN_ACL_OBJECT_INHERIT | WIN_ACL_CONTAINER_INHERIT)
#define NUL_DEVICE_MASK (WIN_ACL_GENERIC_READ | WIN_ACL_GENERIC_WRITE)

struct builder {
	struct win_acl_plan plan;
	size_t cap;
	const char *sids[64]; /* the distinct capability SIDs of the run */
	size_t n_sids;
};

static int add(struct builder *b, const char *path, const char *name,
	       const char *sid, enum win_acl_kind kind, uint32_t mask,
	       uint32_t inherit, bool placeholder)
{
	struct win_acl_entry *e;
	size_t len = strlen(path) + (name ? strlen(name) + 1 : 0) + 1;

	if (b->plan.len == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;

		e = realloc(b->plan.entries, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		b->plan.entries = e;
		b->cap = cap;
	}
	e = &b->plan.entries[b->plan.len];
	e->path = malloc(len);
	if (!e->path)
		return -ENOMEM;
	strcpy(e->path, path);
	/* A canonical root ends in '\' only when it is a drive root. */
	if (name && path[strlen(path) - 1] != '\\')
		strcat(e->path, "\\");
	if (name)
		strcat(e->path, name);
	e->sid = sid;
	e->kind = kind;
	e->mask = mask;
	e->inherit = inherit;
	e->placeholder = placeholder;
	b->plan.len++;
	return 0;
}

/* Remember sid, once, among the run's capability SIDs. */
static int note_sid(struct builder *b, const char *sid)
{
	struct win_sid parsed, seen;

	if (win_sid_parse(sid, &parsed) < 0 || !win_sid_is_capability(&parsed))
		return -EINVAL;
	for (size_t i = 0; i < b->n_sids; i++) {
		win_sid_parse(b->sids[i], &seen);
		if (win_sid_equal(&parsed, &seen))
			return 0;
	}
	if (b->n_sids == sizeof(b->sids) / sizeof(b->sids[0]))
		return -E2BIG;
	b->sids[b->n_sids++] = sid;
	return 0;
}

static bool is_canonical(const char *path)
{
	char *canonical;
	bool same;

	if (win_path_canonical(path, NULL, &canonical) < 0)
		return false;
	same = strcmp(canonical, path) == 0;
	free(canonical);
	return same;
}

/*
 * Check the input: canonical roots, valid names, capability SIDs, and no
 * root at or inside a protected name of another root, which would grant
 * what the deny entries take away.
 */
static int check_roots(struct builder *b, const struct win_acl_root *roots,
		       size_t n_roots)
{
	for (size_t i = 0; i < n_roots; i++) {
		const struct win_acl_root *r = &roots[i];
		int ret = note_sid(b, r->capability_sid);

		if (ret < 0)
			return ret;
		if (!is_canonical(r->path))
			return -EINVAL;
		for (size_t j = 0; j < r->n_names; j++) {
			if (!win_path_name_is_valid(r->names[j].name))
				return -EINVAL;
		}
	}
	for (size_t i = 0; i < n_roots; i++) {
		for (size_t j = 0; j < n_roots; j++) {
			for (size_t k = 0; k < roots[j].n_names; k++) {
				const char *names[] = { roots[j].names[k].name,
							NULL };

				if (win_path_protected_by(roots[i].path,
							  roots[j].path, names))
					return -EINVAL;
			}
		}
	}
	return 0;
}

static int check_git_dirs(const struct win_acl_root *roots, size_t n_roots,
			  const char *const *dirs, size_t n_dirs)
{
	for (size_t i = 0; i < n_dirs; i++) {
		if (!is_canonical(dirs[i]) || win_path_is_volume_root(dirs[i]))
			return -EINVAL;
		for (size_t j = 0; j < n_roots; j++) {
			if (win_path_is_under(roots[j].path, dirs[i]))
				return -EINVAL;
		}
	}
	return 0;
}

/* Whether dirs[i] equals an earlier one, compared as Windows does. */
static bool seen_before(const char *const *dirs, size_t i)
{
	for (size_t j = 0; j < i; j++) {
		if (win_path_is_under(dirs[i], dirs[j]) &&
		    win_path_is_under(dirs[j], dirs[i]))
			return true;
	}
	return false;
}

static int plan_git_dirs(struct builder *b, const char *const *dirs,
			 size_t n_dirs)
{
	for (size_t i = 0; i < n_dirs; i++) {
		if (seen_before(dirs, i))
			continue;
		for (size_t j = 0; j < b->n_sids; j++) {
			int ret =
				add(b, dirs[i], NULL, b->sids[j], WIN_ACL_DENY,
				    WIN_ACL_ANY_WRITE, INHERIT_ALL, false);

			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

static int plan_root(struct builder *b, const struct win_acl_root *r)
{
	int ret;

	ret = add(b, r->path, NULL, r->capability_sid, WIN_ACL_ALLOW,
		  ROOT_SELF_MASK, 0, false);
	if (ret < 0)
		return ret;
	ret = add(b, r->path, NULL, r->capability_sid, WIN_ACL_ALLOW,
		  ROOT_BELOW_MASK, INHERIT_ALL | WIN_ACL_INHERIT_ONLY, false);
	if (ret < 0)
		return ret;

	for (size_t i = 0; i < r->n_names; i++) {
		for (size_t j = 0; j < b->n_sids; j++) {
			ret = add(b, r->path, r->names[i].name, b->sids[j],
				  WIN_ACL_DENY, WIN_ACL_ANY_WRITE, INHERIT_ALL,
				  r->names[i].missing);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

void win_acl_plan_free(struct win_acl_plan *plan)
{
	for (size_t i = 0; i < plan->len; i++)
		free(plan->entries[i].path);
	free(plan->entries);
	*plan = (struct win_acl_plan){ 0 };
}

int win_acl_plan_build(const struct win_acl_root *roots, size_t n_roots,
		       const char *const *git_dirs, size_t n_git_dirs,
		       struct win_acl_plan *ret)
{
	struct builder b = { 0 };
	int r;

	r = check_roots(&b, roots, n_roots);
	if (r == 0)
		r = check_git_dirs(roots, n_roots, git_dirs, n_git_dirs);
	if (r < 0)
		return r;

	for (size_t i = 0; i < n_roots && r == 0; i++)
		r = plan_root(&b, &roots[i]);
	if (r == 0)
		r = plan_git_dirs(&b, git_dirs, n_git_dirs);
	for (size_t i = 0; i < b.n_sids && r == 0; i++)
		r = add(&b, WIN_ACL_NUL_DEVICE, NULL, b.sids[i], WIN_ACL_ALLOW,
			NUL_DEVICE_MASK, 0, false);
	if (r < 0) {
		win_acl_plan_free(&b.plan);
		return r;
	}
	*ret = b.plan;
	return 0;
}

int win_acl_plan_add_group(struct win_acl_plan *plan, const char *group_sid)
{
	struct builder b = { .plan = *plan, .cap = plan->len };
	struct win_sid sid;
	size_t n = plan->len;
	int r = 0;

	if (win_sid_parse(group_sid, &sid) < 0)
		return -EINVAL;
	for (size_t i = 0; i < n && r == 0; i++) {
		const struct win_acl_entry e = b.plan.entries[i];

		if (e.kind != WIN_ACL_ALLOW ||
		    strcmp(e.path, WIN_ACL_NUL_DEVICE) == 0)
			continue;
		r = add(&b, e.path, NULL, group_sid, WIN_ACL_ALLOW, e.mask,
			e.inherit, false);
	}
	/* On failure the entries added so far stay: the plan is valid, and
	 * freed by its owner either way. */
	*plan = b.plan;
	return r;
}

/* The directory above a canonical path, or NULL at a volume root. */
static char *parent_dir(const char *path)
{
	char *up, *sep;

	if (win_path_is_volume_root(path))
		return NULL;
	up = strdup(path);
	if (!up)
		return NULL;
	sep = strrchr(up, '\\');
	if (!sep) {
		free(up);
		return NULL;
	}
	/* "C:\dir" -> "C:\"; "\\server\share\dir" -> "\\server\share" */
	if (sep == up + 2 && up[1] == ':')
		sep[1] = '\0';
	else
		*sep = '\0';
	return up;
}

#define TRAVERSE_MASK (WIN_ACL_GENERIC_READ | WIN_ACL_GENERIC_EXECUTE)
/* Passing through a directory, and no more: neither listing it nor
 * reading what it holds. */
#define PASS_THROUGH_MASK \
	(WIN_ACL_EXECUTE | WIN_ACL_READ_ATTRIBUTES | WIN_ACL_SYNCHRONIZE)

/* An entry of mask for sid on every directory above path, below the
 * volume root, applying to the directory alone. */
static int add_parents(struct builder *b, const char *path, const char *sid,
		       uint32_t mask)
{
	char *dir = strdup(path), *up;
	int r = dir ? 0 : -ENOMEM;

	while (r == 0 && (up = parent_dir(dir))) {
		free(dir);
		dir = up;
		if (!win_path_is_volume_root(dir))
			r = add(b, dir, NULL, sid, WIN_ACL_ALLOW, mask, 0,
				false);
	}
	free(dir);
	return r;
}

static int finish_plan(struct builder *b, int r, struct win_acl_plan *ret)
{
	if (r < 0) {
		win_acl_plan_free(&b->plan);
		return r;
	}
	*ret = b->plan;
	return 0;
}

int win_acl_plan_traverse(const char *cwd, const char *group_sid,
			  struct win_acl_plan *ret)
{
	struct builder b = { 0 };
	struct win_sid sid;
	int r;

	if (win_sid_parse(group_sid, &sid) < 0 || !is_canonical(cwd) ||
	    win_path_is_volume_root(cwd))
		return -EINVAL;
	r = add(&b, cwd, NULL, group_sid, WIN_ACL_ALLOW, TRAVERSE_MASK,
		INHERIT_ALL, false);
	if (r == 0)
		r = add_parents(&b, cwd, group_sid, TRAVERSE_MASK);
	return finish_plan(&b, r, ret);
}

int win_acl_plan_executable(const char *file, const char *group_sid,
			    struct win_acl_plan *ret)
{
	struct builder b = { 0 };
	struct win_sid sid;
	int r;

	if (win_sid_parse(group_sid, &sid) < 0 || !is_canonical(file) ||
	    win_path_is_volume_root(file))
		return -EINVAL;
	r = add(&b, file, NULL, group_sid, WIN_ACL_ALLOW,
		WIN_ACL_GENERIC_READ | WIN_ACL_GENERIC_EXECUTE, 0, false);
	if (r == 0)
		r = add_parents(&b, file, group_sid, PASS_THROUGH_MASK);
	return finish_plan(&b, r, ret);
}

static bool sid_equal(const char *a, const char *b)
{
	struct win_sid x, y;

	return win_sid_parse(a, &x) == 0 && win_sid_parse(b, &y) == 0 &&
	       win_sid_equal(&x, &y);
}

#define INHERIT_BITS                                          \
	(WIN_ACL_OBJECT_INHERIT | WIN_ACL_CONTAINER_INHERIT | \
	 WIN_ACL_INHERIT_ONLY)

bool win_acl_entry_present(const struct win_acl_ace *aces, size_t n,
			   const struct win_acl_entry *entry)
{
	for (size_t i = 0; i < n; i++) {
		const struct win_acl_ace *a = &aces[i];

		if (!a->inherited && a->kind == entry->kind &&
		    (a->flags & INHERIT_BITS) == entry->inherit &&
		    (a->mask & entry->mask) == entry->mask &&
		    sid_equal(a->sid, entry->sid))
			return true;
	}
	return false;
}

/* The rights that let a holder add, change or remove what a directory
 * holds. */
#define DIR_WRITE_MASK                                                     \
	(WIN_ACL_WRITE_DATA | WIN_ACL_APPEND_DATA | WIN_ACL_DELETE_CHILD | \
	 WIN_ACL_WRITE_DAC | WIN_ACL_WRITE_OWNER)

static bool in(const char *sid, const char *const *sids)
{
	for (size_t i = 0; sids[i]; i++) {
		if (sid_equal(sid, sids[i]))
			return true;
	}
	return false;
}

bool win_acl_writable_by(const struct win_acl_ace *aces, size_t n,
			 const char *const *sids)
{
	uint32_t denied = 0, allowed = 0;

	/* Windows orders deny entries first; a right denied to the SID is
	 * not granted by a later allow. Generic rights are mapped by the
	 * Win32 layer before this. */
	for (size_t i = 0; i < n; i++) {
		const struct win_acl_ace *a = &aces[i];

		if ((a->flags & WIN_ACL_INHERIT_ONLY) || !in(a->sid, sids))
			continue;
		if (a->kind == WIN_ACL_DENY)
			denied |= a->mask;
		else
			allowed |= a->mask & ~denied;
	}
	return (allowed & DIR_WRITE_MASK) != 0;
}
