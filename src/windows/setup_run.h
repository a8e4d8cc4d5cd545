/* SPDX-License-Identifier: MIT */
/* paddock-setup.exe's state while it carries out a plan (setup_run.c). */
#ifndef PADDOCK_WINDOWS_SETUP_RUN_H
#define PADDOCK_WINDOWS_SETUP_RUN_H

#include "windows/setupw.h"

struct setup_run {
	struct win_setup_args args; /* validated (setup_args.c) */
	char *setup_dir; /* chosen here, never by the caller */
	/* The setup directory is there but not paddock's (setup_trust.c):
	 * only uninstall goes on, and touches nothing inside it. */
	bool dir_foreign;
	/* The background helper found the marker gone (uninstall ran, or a
	 * new setup is under way): it stops, changing nothing more. */
	bool stopped;
	char group_sid[WIN_SID_STRING_MAX];
	char user_sid[2][WIN_SID_STRING_MAX];
	struct win_setup_report report; /* the first failure */
};

int setup_run_change(struct setup_run *run, const struct win_setup_change *c);
int setup_run_delete(struct setup_run *run, const char *path);
int setup_run_install(struct setup_run *run, const struct win_setup_plan *p);
int setup_run_uninstall(struct setup_run *run, const struct win_setup_plan *p);
/* Read and parse the setup marker: 0, -ENOENT when there is none, else
 * E_MARKER in the report. */
int setup_run_read_marker(struct setup_run *run, struct win_setup_marker *m);
/* 0 when the setup marker is there and names the owner and profile of
 * run->args (win_setup_helper_matches()); -ENOENT when it is gone; else
 * E_ARGS or E_MARKER. */
int setup_run_own_marker(struct setup_run *run);
/* The background changes, one helper at a time (setup_main.c holds the
 * mutex), rolled back on failure; the marker records completion. */
int setup_run_read_grants(struct setup_run *run,
			  const struct win_setup_plan *p);

#endif
