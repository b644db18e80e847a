# memex — the two commands: `make run` and `make test`. See README.md.
PRESET ?= release
JOBS ?= $(shell nproc)
DATA_DIR ?=

.PHONY: all setup build build-debug run test test-asan bench format lint clean

all: build

setup:
	@bash scripts/setup

# The memex binary only (release by default); `make test` builds everything.
build: setup
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET) -j $(JOBS) --target memex

# Builds a release binary and runs `memex serve` in the foreground (127.0.0.1:7700; Ctrl-C stops).
run: build
	@./build/$(PRESET)/memex serve $(if $(DATA_DIR),--data-dir $(DATA_DIR),)

# Builds (debug, warnings as errors) and runs every test: unit, contract, CLI black-box, layers.
test: setup
	@cmake --preset debug >/dev/null
	@cmake --build --preset debug -j $(JOBS)
	@ctest --preset debug -j $(JOBS)

test-asan: setup
	@cmake --preset asan-ubsan >/dev/null
	@cmake --build --preset asan-ubsan -j $(JOBS)
	@ctest --preset asan-ubsan -j $(JOBS)

# Benchmarks (release build): a table on stdout, JSON under bench/results/.
bench: setup
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS) --target memex memex_bench
	@./build/release/memex_bench $(BENCH_ARGS)

format:
	@find src bench -name '*.cc' -o -name '*.h' | xargs clang-format -i

lint:
	@find src -name '*.cc' ! -name '*_test.cc' | xargs clang-tidy -p build/debug --quiet

clean:
	@rm -rf build
