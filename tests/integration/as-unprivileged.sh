#!/bin/sh
# Run the integration tests again as an unprivileged user, the way people
# actually run paddock: no capabilities, user namespaces created
# unprivileged. Only root can switch to that user; anyone else gets a skip.
#
# usage: as-unprivileged.sh BATS PADDOCK_BINARY TESTS_DIR
# exit:  the status of bats; 77 (skipped) when not run as root; 1 on a
#        set-up failure.
set -eu

TEST_USER=paddock-test

if [ $# -ne 3 ]; then
	echo "usage: $0 BATS PADDOCK_BINARY TESTS_DIR" >&2
	exit 1
fi
bats=$1
paddock=$2
tests=$3

if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: switching to the user '$TEST_USER' needs root; the caller's run already covers this unprivileged user"
	exit 77
fi
for tool in setpriv useradd; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "skipped: '$tool' is not installed"
		exit 77
	fi
done

# A system user with a home of its own, outside /tmp, where the tests keep
# their workspaces. Created once, reused afterwards.
if ! id -u "$TEST_USER" >/dev/null 2>&1; then
	useradd --system --create-home --home-dir "/home/$TEST_USER" \
		--shell /bin/sh "$TEST_USER"
fi
home=$(getent passwd "$TEST_USER" | cut -d: -f6)
mkdir -p "$home"
chown "$TEST_USER:" "$home"
chmod 700 "$home"

# The repository may sit under /root (mode 700): copy the binary and the
# tests where the user can read them.
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
chmod 755 "$stage"
cp "$paddock" "$stage/paddock"
cp -R "$tests" "$stage/integration"
chmod -R a+rX "$stage"

# bats itself may also live somewhere unreadable; resolve it now.
bats=$(command -v "$bats")

set +e
setpriv --reuid="$TEST_USER" --regid="$TEST_USER" --init-groups \
	--reset-env -- \
	env HOME="$home" PATH=/usr/local/bin:/usr/bin:/bin TMPDIR=/tmp \
	PADDOCK="$stage/paddock" PADDOCK_TEST_BASE="$home" \
	sh -c 'cd "$HOME" && exec "$0" --tap "$1"' "$bats" "$stage/integration"
status=$?
set -e
exit "$status"
