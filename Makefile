# Seccomp suspend/resume for checkpoint/restore: the harness.
# See README.md.  Every target installs what it needs (make deps) first.

SHELL := /bin/sh
S := scripts
export TOP := $(CURDIR)
# The base, and so the queue: 7.2 (upstream-facing, the default) or 6.12
# (the LTS backport).  Build dirs and results are per base.
BASE ?= 7.2
export BASE

ifeq ($(filter $(BASE),7.2 6.12),)
$(error BASE=$(BASE): the bases are 7.2 (the upstream queue, the default) and 6.12 (the LTS queue))
endif
# make check also checks the other base: every prefix of its queue builds
# (and S8 between its last prefix and the base).
OTHER_BASE := $(if $(filter 6.12,$(BASE)),7.2,6.12)
# As scripts/common.sh has them: build/<base>/, results/<base>/; the C
# reference kernel's results in results/<base>/ref/.
BUILD_DIR := $(CURDIR)/build/$(BASE)
RES := $(CURDIR)/results/$(BASE)
REF_RES := $(RES)/ref

.PHONY: all deps tree export export-check pin kernel initramfs run check check-full \
	check-one check-guest check-reference reference-kernel lint series-check \
	test-harness bench base-kernel matrix fuzz \
	clean distclean help

all: help

help:
	@echo 'make run           boot the patched kernel and show the feature at work'
	@echo 'make check         lint, harness tests, Rust and C reference kernels and every suite'
	@echo '                   on BASE (default 7.2); on the other base, series-check, the'
	@echo '                   exports check, rustfmtcheck and rustdoc; one report over both'
	@echo 'make check-full    the whole check on both bases: series-check, the unmodified base'
	@echo '                   kernel as the oracle'"'"'s third column, the whole config matrix'
	@echo '                   (the debug and KCSAN kernels among it) included'
	@echo 'make fuzz          the random sequences on the base, C and Rust kernels (SEED=, SEQUENCES=)'
	@echo 'make bench         the cost of the series in guest instructions (results/BASE/bench.md)'
	@echo 'make matrix        the config matrix (MATRIX=cheap|all, results/BASE/host/matrix.tap)'
	@echo 'make deps|tree|kernel|initramfs|export|export-check|lint|test-harness'
	@echo 'Every target takes BASE=7.2 (the upstream queue, the default) or BASE=6.12 (LTS).'

deps:
	@$(S)/deps.sh

tree: deps
	@$(S)/tree.sh

export:
	@$(S)/export.sh

# Move the upstream queue's pinned linux-source-7.2 (VERSION=...).
pin:
	@$(S)/pin.sh

export-check:
	@$(S)/export.sh --check

kernel: tree
	@$(S)/kernel.sh

initramfs: kernel
	@$(S)/initramfs.sh

run: initramfs
	@$(S)/boot.sh run

lint: tree
	@$(S)/lint.sh

# Every prefix of the series builds; every patch is checkpatch clean.
series-check: tree
	@$(S)/series-check.sh

test-harness:
	@$(S)/test-harness.sh

# LEVEL=quick boots one kernel: the random sequences (fuzz) have nothing
# there to be compared with, so its guest leaves them out (ss.skip) and
# saves their minutes.
SKIP_SUITES := $(if $(filter quick,$(LEVEL)),fuzz)
SKIP_ARGS := $(if $(SKIP_SUITES),KERNEL_ARGS=ss.skip=$(SKIP_SUITES))
SUITES = $$(cut -d' ' -f1 $(BUILD_DIR)/initramfs/etc/suites | grep -vx -e '$(or $(SKIP_SUITES),-)')
REF_OBJ := $(BUILD_DIR)/obj-ref
# Where the exports check reads the Rust build's symbol lists: the Rust
# kernel's build, or at LEVEL=series (no such kernel) series-check's build
# of the last prefix.
EXPORTS_OBJ := $(BUILD_DIR)/$(if $(filter series,$(LEVEL)),series-check/obj,obj)
REF_ENV := OBJ=$(REF_OBJ) EXTRA_CONFIG=$(CURDIR)/config/reference/c-policy.config
REF_BOOT := KERNEL=$(REF_OBJ)/arch/x86/boot/bzImage RESULTS=$(REF_RES) IMPL=c
# The unmodified base (make base-kernel), the third column of the oracle.
BASE_RES := $(RES)/base
BASE_BOOT := KERNEL=$(BUILD_DIR)/base/obj/arch/x86/boot/bzImage RESULTS=$(BASE_RES) IMPL=c

# The guest suites alone (no lint, no harness tests).
check-guest: initramfs
	@rc=0; $(S)/boot.sh check || rc=$$?; \
	python3 $(S)/tap.py report-guest $(RES) $(SUITES) || exit 1; \
	exit $$rc

# The oracle: the same tree with CONFIG_SECCOMP_SUSPEND_RUST off, so the
# unmodified C policy runs, booted with the same suites (results/BASE/ref/).
reference-kernel: initramfs
	@$(REF_ENV) $(S)/kernel.sh

check-reference: reference-kernel
	@rc=0; $(REF_BOOT) $(S)/boot.sh check || rc=$$?; \
	python3 $(S)/tap.py report-guest $(REF_RES) $(SUITES) || exit 1; \
	exit $$rc

# Everything that fits CI, on both bases (scripts/check.sh): on BASE (7.2
# unless told), lint (checkpatch per patch, rustfmt, clippy, rustdoc) and
# the harness's own tests on the host, the guest suites on the Rust kernel
# and on the C reference kernel, their comparison test by test and the
# random sequences on both; on the other base, series-check (every prefix
# builds, and S8 against the base), the exports check, rustfmtcheck and
# rustdoc on its last prefix.  BASE's own series-check, the unmodified
# base kernel as the oracle's third column, the other base's suites and
# the config matrix's whole builds (the debug flavour, KCSAN, no-cr, ...)
# are in make check-full: on 2 cores the 7.2 queue's prefixes
# (each rebuilds the kernel crate or much of the C tree) and another
# kernel (the base shares only the C objects that include neither
# <linux/ptrace.h> nor <linux/seccomp.h> with the series: README, "Time")
# do not fit CI's time beside the rest.  Then one line per suite,
# each headed by its base, and the totals.  Fails on any failure in either
# base, a kernel splat in a console, a guest timeout, or a kernel that
# does not build.
# (The sub-makes are scripts/check.sh's, not this recipe's, so make -n
# check only shows the command.)
check:
	@$(S)/check.sh $(BASE)=ci $(OTHER_BASE)=series

# The whole check on both bases.
check-full:
	@$(S)/check.sh $(BASE)=full $(OTHER_BASE)=full

# One base's part of make check, into results/BASE/ (scripts/check.sh runs
# it and reports).  LEVEL=full: all of it (the unmodified base as the
# oracle's third column, and S8 between the Rust kernel and the base,
# included); ci: all but series-check and the base; series: series-check
# alone (every prefix builds, checkpatch, S8), and the exports check on
# its last prefix; quick: the Rust kernel's suites only.
# Test failures are left to the report; this fails only when something it
# needs does not build.
LEVEL ?= full
# The config matrix's entries for the level (scripts/matrix.sh): ci has
# time for the cheap ones, full runs them all.
MATRIX_LEVEL = $(if $(filter full,$(LEVEL)),all,cheap)
# The C reference kernel beside the Rust kernel: at LEVEL=full and ci.
REF := $(filter full ci,$(LEVEL))
# The unmodified base as the oracle's third column: at LEVEL=full.
ORACLE := $(filter full,$(LEVEL))
# Boot a kernel with the suites: $(1) the boot's settings, $(2) the kernel
# in words, $(3) the host suite its boot status goes to, $(4) its results.
boot_check = rc=0; $(1) $(S)/boot.sh check || rc=$$?; \
	python3 $(S)/tap.py status '$(2) booted, ran every suite and powered off' $$rc \
		> $(RES)/host/$(3).tap; \
	python3 $(S)/tap.py split $(4) $(SUITES)
check-one: tree
	@mkdir -p $(RES)/host
# What needs no kernel build first, so that it fails fast.
ifneq ($(filter full ci,$(LEVEL)),)
	@echo "check $(BASE): harness tests"; $(S)/test-harness.sh > $(RES)/host/harness.tap || true
	@echo "check $(BASE): checkpatch"; $(S)/lint.sh --tap --checkpatch > $(RES)/host/checkpatch.tap || true
endif
ifneq ($(filter full series,$(LEVEL)),)
	@echo "check $(BASE): every prefix of the series builds"; \
		$(S)/series-check.sh --tap $(if $(filter full,$(LEVEL)),--no-checkpatch) \
		> $(RES)/host/series.tap || true
endif
ifneq ($(LEVEL),series)
	@$(MAKE) --no-print-directory initramfs $(if $(REF),reference-kernel) $(if $(ORACLE),base-kernel)
	@for s in $(SUITES); do echo $$s; done > $(RES)/suites
endif
# The functions C calls in Rust are for kernel/ptrace.c and kernel/seccomp.c
# alone: no EXPORT_SYMBOL list of the Rust build names them (the kernel
# crate's lists every global function of the crate).  At LEVEL=series,
# in series-check's build of the last prefix.
	@rc=0; grep -HwE 'rust_ptrace_check_options|rust_seccomp_check_filter_access' \
		$(EXPORTS_OBJ)/rust/exports_*_generated.h >&2 && rc=1; \
	ls $(EXPORTS_OBJ)/rust/exports_kernel_generated.h >/dev/null || rc=1; \
	python3 $(S)/tap.py status 'the Rust entry points C calls are not exported to modules' $$rc \
		> $(RES)/host/exports.tap
ifeq ($(LEVEL),series)
# The Rust lint that series-check's builds leave out (they run clippy):
# rustfmtcheck and rustdoc, in its build of the last prefix.
	@echo "check $(BASE): rustfmtcheck and rustdoc of the last prefix"; \
		SRC=$(BUILD_DIR)/series-check/linux OBJ=$(EXPORTS_OBJ) $(S)/lint.sh --tap --rust \
		> $(RES)/host/rust-lint.tap || true
	@echo 'LEVEL=series: series-check only, no kernel booted' > $(RES)/no-guest
else
ifneq ($(filter full ci,$(LEVEL)),)
	@echo "check $(BASE): lint"; $(S)/lint.sh --tap --build > $(RES)/host/lint.tap || true
endif
	@$(call boot_check,$(SKIP_ARGS),the Rust kernel,boot,$(RES))
# Its KUnit results read by the tree's own KTAP parser as well: kunit.py
# must find every case passed, as tap.py does.
	@rc=0; /usr/bin/python3 $(BUILD_DIR)/linux/tools/testing/kunit/kunit.py parse \
		$(RES)/kunit.tap > $(RES)/host/kunit-py.log 2>&1 || rc=$$?; \
	what="tools/testing/kunit/kunit.py parse of the Rust kernel's KUnit results"; \
	python3 $(S)/tap.py status "$$what: $$(grep -o 'Ran [0-9]* tests.*' $(RES)/host/kunit-py.log)" $$rc \
		> $(RES)/host/kunit_py.tap
ifneq ($(REF),)
	@$(call boot_check,$(REF_BOOT),the C reference kernel,boot-ref,$(REF_RES))
endif
ifneq ($(ORACLE),)
	@$(call boot_check,$(BASE_BOOT),the unmodified base kernel,boot-base,$(BASE_RES))
endif
ifneq ($(REF),)
	@echo "check $(BASE): the oracle, test by test"
	@python3 $(S)/tap.py compare $(RES)/host/oracle.tap $(RES)/oracle.md \
		'Rust policy=$(RES)' 'C policy=$(REF_RES)' \
		$(if $(ORACLE),'unmodified base=$(BASE_RES)') || true
endif
ifneq ($(ORACLE),)
# S8 on the kernels the suites ran on: the Rust kernel's syscall entry
# path against the unmodified base's, built with the same config.
	@rc=0; what="S8: the syscall entry path of a task that is not suspended, the Rust kernel against the base"; \
	objdump=llvm-objdump$(if $(filter 7.2,$(BASE)),-19); \
	python3 $(S)/s8.py summary $$objdump $(BUILD_DIR)/base/obj/vmlinux > $(RES)/s8-base.txt && \
	python3 $(S)/s8.py summary $$objdump $(BUILD_DIR)/obj/vmlinux > $(RES)/s8-series.txt && \
	found=$$(python3 $(S)/s8.py compare $(RES)/s8-base.txt $(RES)/s8-series.txt) || rc=1; \
	python3 $(S)/tap.py status "$$what: $$found" $$rc > $(RES)/host/s8.tap
endif
ifneq ($(REF),)
	@echo "check $(BASE): the random sequences, step by step"; rc=0; \
	python3 $(S)/fuzz.py compare 'Rust policy=$(RES)/fuzz.tap' 'C policy=$(REF_RES)/fuzz.tap' \
		$(if $(ORACLE),'unmodified base=$(BASE_RES)/fuzz.tap') \
		> $(RES)/fuzz-report.txt 2>&1 || rc=$$?; cat $(RES)/fuzz-report.txt; \
	what="the same seeded sequences give the same outcome at every step on every kernel"; \
	python3 $(S)/tap.py status "$$what: $$(tail -n 1 $(RES)/fuzz-report.txt)" $$rc > $(RES)/host/fuzz.tap
endif
# The config matrix last: two of its entries are the kernels booted above.
ifneq ($(filter full ci,$(LEVEL)),)
	@echo "check $(BASE): the config matrix ($(MATRIX_LEVEL))"; \
		$(S)/matrix.sh $(MATRIX_LEVEL) || [ -s $(RES)/host/matrix.tap ] || \
		python3 $(S)/tap.py status 'the config matrix ran' 1 > $(RES)/host/matrix.tap
endif
endif

# The base without the series, configured like the series kernel.
base-kernel: tree
	@$(S)/base-kernel.sh

# The config matrix alone (scripts/matrix.sh; results/BASE/host/matrix.tap):
# MATRIX=cheap (make check's entries) or all (make check-full's, the
# default); MATRIX_ENTRIES=... runs only those.  rust-schedstats-n and
# rust-n check the kernels make check-guest and make check-reference
# booted, so run those first.
MATRIX ?= all
matrix: initramfs
	@$(S)/matrix.sh $(MATRIX) $(MATRIX_ENTRIES)

# The cost of the series: base, Rust and C kernels under -icount.
# The C column is the config matrix's rust-c-policy kernel (Rust on, the C
# policy): the C reference kernel has no Rust, and that alone changes the
# cost of the ptrace paths (7.2: 16 instructions less per PTRACE_SETOPTIONS).
# The text goal is judged on its rust-scoped-n kernel (the Rust policy
# without scoped suspension, the option's default), which the entry also
# boots with the selftest.
bench: initramfs base-kernel
	@$(S)/matrix.sh --entry rust-c-policy
	@$(S)/matrix.sh --entry rust-scoped-n
	@$(S)/bench.sh

# Random differential testing (issue 14): SEQUENCES seeded operation
# sequences from SEED on the unmodified base, the C reference and the Rust
# kernel, compared step by step (scripts/fuzz.sh, scripts/fuzz.py).
fuzz: initramfs base-kernel reference-kernel
	@SEED=$(or $(SEED),1) SEQUENCES=$(or $(SEQUENCES),10000) $(S)/fuzz.sh

# One base's build products and results (the kernel trees stay).
clean:
	rm -rf results/$(BASE) build/$(BASE)/obj build/$(BASE)/obj-ref build/$(BASE)/base/obj \
		build/$(BASE)/matrix/*/obj \
		build/$(BASE)/initramfs build/$(BASE)/initramfs.cpio.gz build/$(BASE)/selftests

distclean:
	rm -rf results build
