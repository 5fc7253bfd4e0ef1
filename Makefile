# Makefile: builds ecc-web and ecc-admin from one internal library, runs the stack and the tests.
#
#   make            release build into build/release
#   make run        install what is missing, build, start the whole stack (var/), print the URL
#   make stop       stop everything make run (or make test) started
#   make test       same setup on test ports (var/test/), every suite, one closing line
#   make test-asan  unit + conformance + integration suites on the ASan+UBSan build
#   make bench      performance report into var/bench/report.md
#   make fuzz       libFuzzer runs of every parser target (clang), FUZZ_SECONDS each
#   make install    PREFIX=/usr/local DESTDIR=
#   make clean

PREFIX  ?= /usr/local
DESTDIR ?=
VARIANT ?= release
SHARED  ?= $(abspath ../shared)
B       ?= build/$(VARIANT)

PKGS    := fcgi libmariadb json-c libcurl openssl liboath libargon2 libqrencode zlib
CC      ?= cc
WARN    := -Wall -Wextra -Werror -Werror=format-security -Wformat=2 -Wshadow \
           -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Wvla -fno-common
HARDEN  := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
LDHARD  := -pie -Wl,-z,relro,-z,now
BASE    := -std=c11 -D_GNU_SOURCE -Ifcgi $(WARN)

ifeq ($(VARIANT),release)
  VCFLAGS := -O2 -g $(HARDEN)
  VLDFLAGS := $(LDHARD)
else ifeq ($(VARIANT),test)
  VCFLAGS := -O2 -g $(HARDEN) -DECC_TEST
  VLDFLAGS := $(LDHARD)
else ifeq ($(VARIANT),asan)
  VCFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
             -fno-sanitize-recover=undefined -fPIE -DECC_TEST -DARENA_DEBUG
  VLDFLAGS := -pie -fsanitize=address,undefined
else ifeq ($(VARIANT),fuzz)
  # libFuzzer (make fuzz): build with CC=clang
  VCFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fPIE -DECC_TEST
  VLDFLAGS := -pie -fsanitize=fuzzer,address,undefined
else
  $(error VARIANT must be release, test, asan or fuzz)
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS_ALL := $(BASE) $(VCFLAGS) $(PKG_CFLAGS) $(CFLAGS)
LIBS_ALL   := $(PKG_LIBS) -lm $(LDLIBS)

LIB_SRC  := $(sort $(filter-out fcgi/bin/%,$(wildcard fcgi/*/*.c)))
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/obj/%.o)
BINS     := $(B)/ecc-web $(B)/ecc-admin $(B)/ecc-fetch
UNIT_SRC := $(sort $(wildcard tests/unit/*/test_*.c tests/conformance/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/%.c=$(B)/tests/%)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/tests/replay/%)
LIBFUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/tests/libfuzzer/%)
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(B)/tests/tools/%)

.PHONY: all build tests run stop test test-asan bench fuzz fuzz-targets install clean deps check-names

all: build
build: $(BINS)
tests: $(BINS) $(UNIT_BIN) $(FUZZ_BIN) $(TOOL_BIN)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(B)/libecc.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(B)/ecc-%: $(B)/obj/fcgi/bin/%_main.o $(B)/libecc.a
	$(CC) $(VCFLAGS) $(VLDFLAGS) $< $(B)/libecc.a $(LIBS_ALL) -o $@

# Unit and conformance tests: one program per file, linked with the library.
$(B)/tests/%: tests/%.c $(B)/libecc.a tests/unit/t.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/unit $< $(B)/libecc.a $(VLDFLAGS) $(LIBS_ALL) -o $@

# Fuzz targets built with a replay driver (no libFuzzer needed) for CI.
$(B)/tests/replay/%: tests/fuzz/%.c tests/fuzz/replay_main.c $(B)/libecc.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $< tests/fuzz/replay_main.c $(B)/libecc.a $(VLDFLAGS) $(LIBS_ALL) -o $@

# The same targets linked with libFuzzer itself (VARIANT=fuzz CC=clang).
$(B)/tests/libfuzzer/%: tests/fuzz/%.c $(B)/libecc.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $< $(B)/libecc.a $(VLDFLAGS) $(LIBS_ALL) -o $@

fuzz-targets: $(LIBFUZZ_BIN)

$(B)/tests/tools/%: tests/tools/%.c $(B)/libecc.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $< $(B)/libecc.a $(VLDFLAGS) $(LIBS_ALL) -o $@

-include $(LIB_OBJ:.o=.d)

deps:
	@ops/dev/install-deps.sh

run: deps
	@$(MAKE) --no-print-directory VARIANT=release build
	@ops/dev/stack.sh run

stop:
	@ops/dev/stack.sh stop

test: deps
	@$(MAKE) --no-print-directory VARIANT=test tests
	@$(MAKE) --no-print-directory VARIANT=release build
	@$(MAKE) --no-print-directory VARIANT=asan tests
	@SHARED=$(SHARED) tests/run.sh all

test-asan: deps
	@$(MAKE) --no-print-directory VARIANT=asan tests
	@SHARED=$(SHARED) tests/run.sh asan

bench: deps
	@$(MAKE) --no-print-directory VARIANT=release build
	@$(MAKE) --no-print-directory VARIANT=test tests
	@tests/bench/run.sh

fuzz:
	@tests/fuzz/run.sh

check-names:
	@dups=$$(for f in $(LIB_SRC) $(wildcard fcgi/bin/*.c); do basename $$f; done | sort | uniq -d); \
	  if [ -n "$$dups" ]; then echo "duplicate basenames in fcgi/: $$dups"; exit 1; fi

install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/ecc
	install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	cp -R templates static schema nginx ops $(DESTDIR)$(PREFIX)/share/ecc/

clean:
	rm -rf build
