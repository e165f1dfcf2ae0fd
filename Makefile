# mcpsim - build, test, benchmark, install.
#
# Sources are found by wildcard: every .c under sim/, models/ and cmd/ is part of the
# program; every tests/test_*.c is a CUnit suite linked into one runner; every
# bench/bench_*.c is a benchmark linked into one bench runner. A new module needs no
# Makefile change.
#
#   make            build/mcpsim (optimized, with debug info)
#   make test       build and run every CUnit suite, plus the layer-wall check
#   make sanitize   the same suites under ASan + UBSan (build/sanitize/)
#   make bench      benchmarks (figures, never pass/fail)
#   make demo       run scenarios/demo.yaml into results/demo.db
#   make fuzz       libFuzzer targets (clang), FUZZ_SECONDS each
#   make install    PREFIX=/usr/local DESTDIR=
#   make deps       install the Debian packages (as root) or print the apt-get line

BUILD   ?= build
CC      ?= cc
PREFIX  ?= /usr/local
OPT     ?= -O2 -g
FUZZ_SECONDS ?= 30

PKGS    := gsl sqlite3 yaml-0.1 libpcap nettle cunit
VERSION := $(shell cat VERSION)
COMMIT  := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wwrite-strings -Wformat=2 -Wundef -Wvla -Wcast-qual \
           -Wold-style-definition -Wnull-dereference -Wdouble-promotion
CFLAGS  ?=
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) $(WARN) \
           -I. $(shell pkg-config --cflags $(PKGS) 2>/dev/null) \
           -DMCPSIM_VERSION='"$(VERSION)"' -DMCPSIM_COMMIT='"$(COMMIT)"' -MMD -MP $(CFLAGS)
LDLIBS  = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm

SRCS       := $(sort $(shell find sim models cmd -name '*.c' ! -path 'models/*/fuzz_*'))
MAIN_SRC   := cmd/main.c
LIB_SRCS   := $(filter-out $(MAIN_SRC),$(SRCS))
TEST_SRCS  := $(sort $(wildcard tests/*.c))
BENCH_SRCS := $(sort $(wildcard bench/*.c))
FUZZ_SRCS  := $(sort $(wildcard tests/fuzz/fuzz_*.c))

LIB_OBJS   := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ   := $(MAIN_SRC:%.c=$(BUILD)/obj/%.o)
TEST_OBJS  := $(TEST_SRCS:%.c=$(BUILD)/obj/%.o)
BENCH_OBJS := $(BENCH_SRCS:%.c=$(BUILD)/obj/%.o)

DEPS_OK := $(BUILD)/.deps-ok

.PHONY: all test sanitize bench demo fuzz install deps clean walls check-deps
all: $(BUILD)/mcpsim

# Every target that compiles checks the dependencies first and, as root, installs them.
$(DEPS_OK): scripts/deps.sh
	@scripts/deps.sh check || scripts/deps.sh install
	@mkdir -p $(@D) && touch $@

deps:
	scripts/deps.sh install

$(BUILD)/obj/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/mcpsim: $(MAIN_OBJ) $(LIB_OBJS)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/run-tests: $(TEST_OBJS) $(LIB_OBJS)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/run-bench: $(BENCH_OBJS) $(LIB_OBJS)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

# The tests run from the project root (they read ../shared/ and scenarios/) and find the
# program through MCPSIM_BIN. TESTS=suite[,suite] runs a subset.
test: $(BUILD)/mcpsim $(BUILD)/run-tests walls
	MCPSIM_BIN=$(BUILD)/mcpsim $(BUILD)/run-tests $(TESTS)

walls:
	@scripts/check-walls.sh

SAN := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
sanitize:
	$(MAKE) --no-print-directory BUILD=build/sanitize OPT="$(SAN)" test \
	    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 MCPSIM_SANITIZE=1

bench: $(BUILD)/run-bench $(BUILD)/mcpsim
	MCPSIM_BIN=$(BUILD)/mcpsim $(BUILD)/run-bench $(BENCHES)

demo: $(BUILD)/mcpsim
	@mkdir -p results
	$(BUILD)/mcpsim run scenarios/demo.yaml --out results/demo.db
	@echo
	$(BUILD)/mcpsim mcp-table ../shared/testdata/pcaps/a-mptcp-join-addaddr.pcap

# libFuzzer targets: each tests/fuzz/fuzz_NAME.c defines LLVMFuzzerTestOneInput.
FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
fuzz: | $(DEPS_OK)
	@for f in $(FUZZ_SRCS); do \
	    n=$$(basename $$f .c); \
	    $(MAKE) --no-print-directory BUILD=build/fuzz CC=clang OPT="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" \
	        build/fuzz/$$n || exit 1; \
	    mkdir -p build/fuzz/corpus-$$n; \
	    if build/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	        build/fuzz/corpus-$$n tests/fuzz/seeds-$${n#fuzz_} >build/fuzz/$$n.log 2>&1; then \
	        echo "fuzz: $$n: $$(grep -o 'Done [0-9]* runs' build/fuzz/$$n.log) in $(FUZZ_SECONDS) s, no crash"; \
	    else \
	        tail -40 build/fuzz/$$n.log; echo "fuzz: $$n FAILED (log: build/fuzz/$$n.log)"; exit 1; \
	    fi; \
	done

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_OBJS)
	clang $(ALL_CFLAGS) $(FUZZ_FLAGS) -o $@ $^ $(LDLIBS)

install: $(BUILD)/mcpsim
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/doc/mcpsim
	install -m 755 $(BUILD)/mcpsim $(DESTDIR)$(PREFIX)/bin/mcpsim
	install -m 644 README.md $(DESTDIR)$(PREFIX)/share/doc/mcpsim/README.md
	install -d $(DESTDIR)$(PREFIX)/share/doc/mcpsim/docs
	install -m 644 docs/*.md $(DESTDIR)$(PREFIX)/share/doc/mcpsim/docs/

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
