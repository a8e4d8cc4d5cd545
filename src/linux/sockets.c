/* SPDX-License-Identifier: MIT */
/* Filled in by the namespace-free mode and host-socket work (issue 3). */
