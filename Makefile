# Convenience front end for the CMake + Ninja build. Every target first makes
# sure the build dependencies are present (tools/deps.sh), so a fresh clone on
# Debian needs only `make demo` or `make check`.

BUILD_DIR ?= build
SAN_BUILD_DIR ?= build-san
WIN_BUILD_DIR ?= build-windows
CMAKE_FLAGS ?=
PREFIX ?=

FORMAT_DIRS := $(wildcard include src tests bench)

.PHONY: all deps build demo check sanitize bench format install clean bench-all \
	windows windows-check

all: build

deps:
	@tools/deps.sh

# Configuring again is cheap and picks up changed CMAKE_FLAGS.
build: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS) >/dev/null
	@ninja -C $(BUILD_DIR)

demo: build
	@tools/demo.sh $(BUILD_DIR)/paddock

check: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure

# A second build, with Clang, AddressSanitizer and UndefinedBehaviorSanitizer
# in everything and the libFuzzer targets; its ctest runs the whole suite
# again and each fuzz target for PADDOCK_FUZZ_SECONDS (see docs/testing.md).
sanitize:
	@tools/deps.sh --sanitize
	@cmake -S . -B $(SAN_BUILD_DIR) -G Ninja -DCMAKE_C_COMPILER=clang \
		-DPADDOCK_SANITIZE=address,undefined -DPADDOCK_FUZZ=ON \
		$(CMAKE_FLAGS) >/dev/null
	@ninja -C $(SAN_BUILD_DIR)
	ctest --test-dir $(SAN_BUILD_DIR) --output-on-failure

# The mingw-w64 cross-build (docs/windows.md); it installs its own deps.
windows:
	@tools/windows-build.sh $(WIN_BUILD_DIR)

# The Windows build, then its Wine smoke tests (tests/windows/smoke.bats),
# which prove plumbing, not the sandbox's boundary.
windows-check: windows
	tests/windows/smoke.sh $(WIN_BUILD_DIR)

bench: build
	@tools/deps.sh --bench
	bench/startup.sh $(BUILD_DIR)/paddock
bench-all: build
	@tools/deps.sh --bench
	bench/run --with-npm-peers $(BUILD_DIR)/paddock

format:
	find $(FORMAT_DIRS) -type f \( -name '*.c' -o -name '*.h' \) \
		-exec clang-format -i {} +

install: build
	cmake --install $(BUILD_DIR) $(if $(PREFIX),--prefix $(PREFIX))

clean:
	rm -rf $(BUILD_DIR) $(SAN_BUILD_DIR) $(WIN_BUILD_DIR)
