/* SPDX-License-Identifier: MIT */
/*
 * desktop-probe.exe: says which window station and desktop it runs on, and
 * whether it can open the interactive window station, WinSta0, and its
 * default desktop. Run inside the elevated mode by the Wine smoke tests
 * (which see the names: Wine enforces no DACL) and by enforce.ps1 on real
 * Windows (which sees the refusal). Test-only: built beside paddock.exe,
 * never shipped.
 *
 *   station=NAME desktop=NAME
 *   winsta0=opened|refused (Windows error N)
 *   default-desktop=opened|refused (Windows error N)
 *
 * Exit status: 0 when both were refused, 3 when either opened.
 */
#include <stdio.h>

#include <windows.h>

static void object_name(HANDLE h, wchar_t *buf, DWORD size)
{
	buf[0] = L'\0';
	if (!h || !GetUserObjectInformationW(h, UOI_NAME, buf,
					     size - sizeof(wchar_t), NULL))
		buf[0] = L'?';
}

int main(void)
{
	wchar_t station[128], desktop[128];
	HWINSTA winsta0;
	HDESK def = NULL;
	DWORD native;

	object_name(GetProcessWindowStation(), station, sizeof(station));
	object_name(GetThreadDesktop(GetCurrentThreadId()), desktop,
		    sizeof(desktop));
	printf("station=%ls desktop=%ls\n", station, desktop);
	winsta0 = OpenWindowStationW(L"WinSta0", FALSE, WINSTA_ALL_ACCESS);
	native = GetLastError();
	if (winsta0)
		printf("winsta0=opened\n");
	else
		printf("winsta0=refused (Windows error %lu)\n", native);
	/* OpenDesktopW looks on the process's station: switch to WinSta0
	 * first, as a command trying to reach the user's desktop would. */
	if (winsta0 && SetProcessWindowStation(winsta0)) {
		def = OpenDesktopW(L"Default", 0, FALSE, GENERIC_ALL);
		native = GetLastError();
	}
	if (def)
		printf("default-desktop=opened\n");
	else
		printf("default-desktop=refused (Windows error %lu)\n",
		       winsta0 ? native : 0);
	fflush(stdout);
	return winsta0 || def ? 3 : 0;
}
