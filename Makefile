# Thin wrapper over CMake for the two quick-start commands:
#   make demo   install what is missing, build, run the flagship example
#   make test   install what is missing, build, run the whole test suite
# and for the sanitized suite that CI runs after it:
#   make test-sanitized
# and for installing the Release build under PREFIX (default /usr/local):
#   make install PREFIX=$HOME/.local
# Everything else is plain CMake: cmake -S . -B build && cmake --build build.
#
# Each has its own build folder: the demo is a Release build; the test
# builds are optimised too but keep assert() (SNN_ASSERTIONS=ON), so that a
# broken invariant stops a test instead of passing unnoticed.

BUILD           ?= build
TEST_BUILD      ?= build-test
SANITIZED_BUILD ?= build-asan
PREFIX          ?= /usr/local
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PACKAGES := cmake make gcc pkg-config flex bison llvm-dev libffi-dev \
            libcairo2-dev libedit-dev python3 python3-numpy vim groff-base

.PHONY: all deps build demo install test test-sanitized clean

all: build

# Installs the Debian packages that are not installed yet.
deps:
	@missing=""; \
	for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y $$missing; \
	fi

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(BUILD)/compiler/snnc run examples/cuba.snn --plot

# bin/snnc, lib/ (the runtime, snnrt.pc), include/snn/, share/snn/stdlib/
# and share/man/man1/snnc.1 under PREFIX; the tree can be moved afterwards.
install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

test: deps
	cmake -S . -B $(TEST_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSNN_ASSERTIONS=ON
	cmake --build $(TEST_BUILD) -j $(JOBS)
	cd $(TEST_BUILD) && ctest --output-on-failure -j $(JOBS)

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer.
test-sanitized: deps
	cmake -S . -B $(SANITIZED_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSNN_ASSERTIONS=ON \
	  -DSNN_SANITIZE=ON
	cmake --build $(SANITIZED_BUILD) -j $(JOBS)
	cd $(SANITIZED_BUILD) && ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD) $(TEST_BUILD) $(SANITIZED_BUILD)
