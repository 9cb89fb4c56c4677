# The project's front door. Every target installs missing Debian packages
# first (scripts/deps.sh), then configures and builds with a CMake preset.
#   make run     the main job on the built-in fake helper
#   make test    build and run every test (the README's test command)
#   make asan    the test suite under ASan + UBSan (clang)
#   make tsan    the test suite under ThreadSanitizer (clang)
#   make fuzz    every libFuzzer target for FUZZ_SECONDS each
#   make fuzz-helper HELPER='CMD --dir {dir}'
#                a coverage-guided campaign against a live helper (fuzz_helper)
#   make bench   the benchmarks, one table
#   make compat  published helpers against cph check / cph fuzz (network)
SHELL := /bin/bash
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 60

.PHONY: deps build run test asan tsan fuzz fuzz-helper bench compat clean

deps:
	@scripts/deps.sh

build/default/build.ninja: | deps
	@cmake --preset default >/dev/null

build: deps build/default/build.ninja
	@cmake --build --preset default -j $(JOBS)

run: build
	@scripts/run-demo.sh build/default

test: build
	@ctest --preset default -j $(JOBS)

asan tsan: deps
	@cmake --preset $@ >/dev/null
	@cmake --build --preset $@ -j $(JOBS)
	@ctest --preset $@ -j $(JOBS) --label-exclude interop

fuzz: deps
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

fuzz-helper: deps
	@HELPER='$(HELPER)' scripts/fuzz-helper.sh

bench: build
	@scripts/bench.sh build/default

compat: build
	@scripts/compat.sh build/default

clean:
	rm -rf build
