# ratesim - GNU make build.
#
#   make            build build/ratesim
#   make demo       install missing packages, build, run scenarios/quickstart.json
#   make test       install missing packages, build, run every test
#   make bench      the performance reference (prints figures; no pass/fail):
#                   single runs (bench/run.sh), decisions (bench/decide.sh)
#   make install    PREFIX=/usr/local DESTDIR= ; make uninstall
#   make lint       clang-format check and cppcheck
#   make SANITIZE=1 ...   build with AddressSanitizer and UBSan (any UB is fatal)
#   make LTO=0 ...  without link-time optimisation (on by default with GCC)
#   make fuzz       libFuzzer on the loader, each trace reader and a short run,
#                   FUZZ_SECONDS each (default 10), with clang (FUZZ_CC)
#
# CFLAGS, CPPFLAGS and LDFLAGS belong to you; the project's flags live in
# RS_* variables.  Under CI (CI=true) warnings are errors.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/ratesim
DOCDIR ?= $(PREFIX)/share/doc/ratesim
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=

CC ?= cc
CFLAGS ?= -O2 -g
PKG_CONFIG ?= pkg-config
PKGS := gsl libcjson

BUILD := build
RS_CPPFLAGS := -Iinclude -I$(BUILD)/gen $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null) -D_POSIX_C_SOURCE=200809L \
	-DRS_DOCDIR='"$(DOCDIR)"' -DRS_DATADIR='"$(DATADIR)"' 
RS_CFLAGS := -std=c11 -fno-math-errno -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-unused-parameter -MMD -MP
RS_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lm
ifneq ($(filter true 1,$(CI)),)
RS_CFLAGS += -Werror
endif
# Link-time optimisation of the executable: GCC inlines across rooms (the
# clock's conversions, the meter and metrics calls of every attempt).
# Measured on bench-1h, 120 s: 452.3 M -> 433.9 M instructions (callgrind),
# every shipped scenario's outputs byte-identical (bench/identical.sh).  The
# objects are "fat" (machine code too), so the library and the unit tests
# link as before without LTO.  On by default with GCC; LTO=0 turns it off;
# off with SANITIZE=1 and with other compilers (clang would need its own
# archiver and linker plugin).
RS_IS_GCC := $(shell $(CC) --version 2>/dev/null | grep -q 'Free Software Foundation' && echo 1)
LTO ?= $(if $(filter 1,$(SANITIZE)),0,$(if $(RS_IS_GCC),1,0))
ifeq ($(LTO),1)
RS_LTO_CFLAGS := -flto=auto -ffat-lto-objects
RS_LTO_LDFLAGS := -flto=auto $(CFLAGS)
RS_NO_LTO := -fno-lto
endif
ifeq ($(SANITIZE),1)
# -fno-sanitize-recover: a UBSan finding (with clang, float-cast-overflow
# included) fails the test that triggers it instead of printing and going on.
RS_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
RS_LDFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all
endif

# The executable: main.c (the commands) and cli.c (its command line).
TOOL_SRCS := sim/main.c sim/cli.c
LIB_SRCS := $(filter-out $(TOOL_SRCS),$(wildcard sim/*.c))
LIB_OBJS := $(LIB_SRCS:sim/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/plots_gen.o
TEST_SRCS := $(wildcard tests/unit/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
PLOTS := $(sort $(wildcard plots/*.gp))

.PHONY: all demo test check bench install uninstall clean lint deps tests fuzz
all: $(BUILD)/ratesim

deps:
	@sh scripts/deps.sh

$(BUILD)/obj/%.o: sim/%.c | $(BUILD)/gen/plots_gen.h
	@mkdir -p $(@D)
	$(CC) $(RS_CPPFLAGS) $(CPPFLAGS) $(RS_CFLAGS) $(RS_LTO_CFLAGS) $(CFLAGS) -c $< -o $@

# The gnuplot templates are compiled into the binary, so that an installed
# ratesim needs no data folder; the run writes the script it used beside
# the data (plots/README.md).
$(BUILD)/gen/plots_gen.h: $(PLOTS) scripts/embed.sh
	@mkdir -p $(BUILD)/gen
	sh scripts/embed.sh $(BUILD)/gen $(PLOTS)

# embed.sh writes both files; one rule only, so that make -j runs it once.
$(BUILD)/gen/plots_gen.c: $(BUILD)/gen/plots_gen.h
	@:

$(BUILD)/obj/plots_gen.o: $(BUILD)/gen/plots_gen.c
	@mkdir -p $(@D)
	$(CC) $(RS_CPPFLAGS) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/libratesim.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/ratesim: $(TOOL_SRCS:sim/%.c=$(BUILD)/obj/%.o) $(BUILD)/libratesim.a
	$(CC) $(RS_LDFLAGS) $(RS_LTO_LDFLAGS) $(LDFLAGS) -o $@ $^ $(RS_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(BUILD)/libratesim.a
	@mkdir -p $(@D)
	$(CC) $(RS_CPPFLAGS) -Itests/unit $(CPPFLAGS) $(RS_CFLAGS) $(CFLAGS) $(RS_LDFLAGS) $(RS_NO_LTO) $(LDFLAGS) \
		-o $@ $< $(BUILD)/libratesim.a $(RS_LIBS)

# The hostile-input generator of tests/cli/hostile.sh (issue 12).
$(BUILD)/hostile-gen: tests/hostile/gen.c
	@mkdir -p $(@D)
	$(CC) $(RS_CPPFLAGS) $(CPPFLAGS) $(RS_CFLAGS) $(CFLAGS) $(RS_LDFLAGS) $(LDFLAGS) -o $@ $< $(RS_LIBS)

tests: $(BUILD)/ratesim $(TEST_BINS) $(BUILD)/hostile-gen

# ---- fuzzing (issue 12): libFuzzer harnesses of tests/fuzz/ ----------------
# The library is rebuilt with clang under build/fuzz/ with the fuzzer's
# instrumentation, ASan and UBSan; each harness starts from its checked-in
# seed corpus (tests/fuzz/corpus/NAME, read only) and writes what it finds
# to build/fuzz/work-NAME.  A crash leaves crash-* there and fails make.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 10
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=c11 -g -O1 $(FUZZ_SAN)
FUZZ_DIR := $(BUILD)/fuzz
FUZZERS := scenario trace_azure trace_burstgpt trace_mooncake run
FUZZ_LIB_OBJS := $(LIB_SRCS:sim/%.c=$(FUZZ_DIR)/obj/%.o) $(FUZZ_DIR)/obj/plots_gen.o
FUZZ_TRACE_FORMAT_trace_azure := RS_TRACE_AZURE
FUZZ_TRACE_FORMAT_trace_burstgpt := RS_TRACE_BURSTGPT
FUZZ_TRACE_FORMAT_trace_mooncake := RS_TRACE_MOONCAKE

$(FUZZ_DIR)/obj/%.o: sim/%.c | $(BUILD)/gen/plots_gen.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(RS_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_DIR)/obj/plots_gen.o: $(BUILD)/gen/plots_gen.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(RS_CPPFLAGS) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_DIR)/fuzz_scenario $(FUZZ_DIR)/fuzz_run: $(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_LIB_OBJS)
	$(FUZZ_CC) $(RS_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJS) $(RS_LIBS)

$(FUZZ_DIR)/fuzz_trace_%: tests/fuzz/fuzz_trace.c tests/fuzz/fuzz_common.h $(FUZZ_LIB_OBJS)
	$(FUZZ_CC) $(RS_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer \
		-DFUZZ_TRACE_FORMAT=$(FUZZ_TRACE_FORMAT_trace_$*) -o $@ $< $(FUZZ_LIB_OBJS) $(RS_LIBS)

# Each harness for FUZZ_SECONDS; prints libFuzzer's "Done N runs" per harness.
fuzz: $(FUZZERS:%=$(FUZZ_DIR)/fuzz_%)
	@for f in $(FUZZERS); do \
		mkdir -p $(FUZZ_DIR)/work-$$f; \
		echo "fuzz $$f: $(FUZZ_SECONDS) s"; \
		$(FUZZ_DIR)/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
			-max_len=65536 -artifact_prefix=$(FUZZ_DIR)/work-$$f/ \
			$(FUZZ_DIR)/work-$$f tests/fuzz/corpus/$$f >$(FUZZ_DIR)/$$f.log 2>&1 || \
			{ tail -n 40 $(FUZZ_DIR)/$$f.log; echo "fuzz $$f: FAILED (see $(FUZZ_DIR)/$$f.log)"; exit 1; }; \
		grep -E '^Done [0-9]+ runs' $(FUZZ_DIR)/$$f.log | sed "s/^/fuzz $$f: /"; \
	done

demo: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh

test check:
	@sh scripts/deps.sh --test
	@$(MAKE) --no-print-directory tests
	@sh tests/run.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@sh bench/run.sh
	@sh bench/charts.sh
	@sh bench/decide.sh

lint:
	clang-format --dry-run --Werror sim/*.c include/ratesim/*.h tests/unit/*.c
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--suppress=missingIncludeSystem -Iinclude sim

# The man page names where the docs are: filled in for this PREFIX.
install: $(BUILD)/ratesim
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/scenarios/traces $(DESTDIR)$(DATADIR)/plots \
		$(DESTDIR)$(DOCDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BUILD)/ratesim $(DESTDIR)$(BINDIR)/ratesim
	sed -e 's|@DOCDIR@|$(DOCDIR)|g' -e 's|@DATADIR@|$(DATADIR)|g' man/ratesim.1 \
		> $(DESTDIR)$(MANDIR)/man1/ratesim.1
	chmod 644 $(DESTDIR)$(MANDIR)/man1/ratesim.1
	install -m 644 README.md docs/*.md $(DESTDIR)$(DOCDIR)/
	install -m 644 scenarios/*.json scenarios/README.md $(DESTDIR)$(DATADIR)/scenarios/
	install -m 644 scenarios/traces/* $(DESTDIR)$(DATADIR)/scenarios/traces/
	install -m 644 plots/*.gp $(DESTDIR)$(DATADIR)/plots/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ratesim $(DESTDIR)$(MANDIR)/man1/ratesim.1
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR)

clean:
	rm -rf $(BUILD)

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/tests/*.d)
