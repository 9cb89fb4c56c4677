# The project's front door. Every target installs the missing Debian packages
# it needs first (scripts/deps.sh TARGET), then configures and builds only what
# it runs, with a CMake preset.
#   make run     the main job on the built-in fake helper (builds cph and cph-fake only)
#   make test    build and run every test (the README's test command)
#   make dist    the release tarball: build/dist/cacheprog-harness-VERSION-linux-ARCH.tar.gz
#   make asan    the test suite under ASan + UBSan (clang)
#   make tsan    the test suite under ThreadSanitizer (clang)
#   make fuzz    every libFuzzer target for FUZZ_SECONDS each
#   make fuzz-helper HELPER='CMD --dir {dir}'
#                a coverage-guided campaign against a live helper (fuzz_helper)
#   make fuzz-proof  issue 20's proof: fuzz_helper finds planted bugs of the
#                Go and C++ test helpers that cph fuzz misses in the same time (needs Go; ~30 min)
#   make bench   the benchmarks, one table
#   make compat  published helpers against cph check / cph fuzz (network)
#   make format  clang-format (.clang-format) on every C++ file
SHELL := /bin/bash
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 60
TOOLS := cph cph-fake

.PHONY: build tools run test dist asan tsan fuzz fuzz-helper fuzz-proof bench compat format clean

# Configures build/default once, and again when the directory $(1) that a
# target needs was left out (its package was missing then: after `make run`,
# GoogleTest for tests/, Google Benchmark for bench/).
configure = @[[ -f build/default/build.ninja $(if $(1),&& -d build/default/$(1)) ]] \
	|| cmake --preset default >/dev/null

build:
	@scripts/deps.sh test
	$(call configure,tests)
	@cmake --build --preset default -j $(JOBS)

tools:
	@scripts/deps.sh run
	$(call configure)
	@cmake --build --preset default -j $(JOBS) --target $(TOOLS)

run: tools
	@scripts/run-demo.sh build/default

test: build
	@ctest --preset default -j $(JOBS)

dist: tools
	@scripts/dist.sh build/default build/dist

# Their test presets leave out the interop tests and OssFuzzBuildSlow (which
# builds the project itself with its own flags: the sanitizer never sees it;
# make test runs it where clang-14 is installed, .ci/run after make asan).
# See CMakePresets.json, sanitizer-base.
asan tsan:
	@scripts/deps.sh $@
	@cmake --preset $@ >/dev/null
	@cmake --build --preset $@ -j $(JOBS)
	@echo "make $@: not run here: label interop (the real go), OssFuzzBuildSlow (its own build; make test runs it where clang-14 is installed)"
	@ctest --preset $@ -j $(JOBS)

fuzz:
	@scripts/deps.sh fuzz
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

fuzz-helper:
	@scripts/deps.sh fuzz
	@HELPER='$(HELPER)' scripts/fuzz-helper.sh

# Not part of `make fuzz` (each target's minute) nor of .ci/run: its own
# slow test (tests/fuzz-proof), in the fuzz preset's build.
fuzz-proof:
	@scripts/deps.sh fuzz
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS) --target cph-fuzz-proof-tests
	@ctest --test-dir build/fuzz -R FuzzHelperProofSlow --output-on-failure

bench:
	@scripts/deps.sh bench
	$(call configure,bench)
	@scripts/bench.sh build/default

compat: tools
	@scripts/deps.sh compat
	@scripts/compat.sh build/default

format:
	@scripts/deps.sh format
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format-14 -i

clean:
	rm -rf build
