#!/bin/sh
# Run a bats suite (tests/integration, tests/security) again as an
# unprivileged user, the way people actually run paddock: no capabilities,
# user namespaces created unprivileged. Only root can switch to that user;
# anyone else gets a skip. Root also makes one fixture the security suite
# uses: a setuid-root copy of id(1), on a file system without nosuid, passed
# to the tests as PADDOCK_SETUID_ID.
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

if ! id -u "$TEST_USER" >/dev/null 2>&1; then
	useradd --system --create-home --home-dir "/home/$TEST_USER" \
		--shell /bin/sh "$TEST_USER"
fi
home=$(getent passwd "$TEST_USER" | cut -d: -f6)
mkdir -p "$home"
chown "$TEST_USER:" "$home"
chmod 700 "$home"

# The repository may sit under /root (mode 700): the binary and the tests
# go where the user can read them; the setuid copy
# of id beside them, unless /tmp is mounted nosuid, then in /var/tmp.
stage=$(mktemp -d)
setuid_dir=$stage
if findmnt -no OPTIONS -T "$stage" | grep -q nosuid; then
	setuid_dir=$(mktemp -d /var/tmp/paddock-setuid.XXXXXX)
fi
trap 'rm -rf "$stage" "$setuid_dir"' EXIT
chmod 755 "$stage" "$setuid_dir"
cp "$paddock" "$stage/paddock"
# Helper programs some tests run (PADDOCK_HELPERS, space-separated paths).
mkdir "$stage/helpers"
for helper in ${PADDOCK_HELPERS:-}; do
	cp "$helper" "$stage/helpers/"
done
# The suite and the shared helpers it sources as ../lib.
suite=$(basename "$tests")
cp -R "$tests" "$stage/$suite"
cp -R "$(dirname "$0")" "$stage/lib"
chmod -R a+rX "$stage"
cp "$(command -v id)" "$setuid_dir/setuid-id"
chown 0:0 "$setuid_dir/setuid-id"
chmod 4755 "$setuid_dir/setuid-id"

bats=$(command -v "$bats")

set +e
setpriv --reuid="$TEST_USER" --regid="$TEST_USER" --init-groups \
	--reset-env -- \
	env HOME="$home" PATH=/usr/local/bin:/usr/bin:/bin TMPDIR=/tmp \
	PADDOCK="$stage/paddock" PADDOCK_TEST_BASE="$home" \
	PADDOCK_HELPERS_DIR="$stage/helpers" \
	PADDOCK_SETUID_ID="$setuid_dir/setuid-id" \
	sh -c 'cd "$HOME" && exec "$0" --tap "$1"' "$bats" "$stage/$suite"
status=$?
set -e
exit "$status"
