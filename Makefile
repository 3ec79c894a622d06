# Seccomp suspend/resume for checkpoint/restore: the harness.
# See README.md.  Every target installs what it needs (make deps) first.

SHELL := /bin/sh
S := scripts
export TOP := $(CURDIR)

.PHONY: all deps tree export export-check kernel initramfs run check \
	check-guest check-reference reference-kernel lint series-check \
	test-harness bench base-kernel \
	clean distclean help

all: help

help:
	@echo 'make run           boot the patched kernel and show the feature at work'
	@echo 'make check         lint, harness tests, build, boot and run every suite'
	@echo 'make bench         the cost of the series in guest instructions (results/bench.md)'
	@echo 'make deps|tree|kernel|initramfs|export|export-check|lint|test-harness'

deps:
	@$(S)/deps.sh

tree: deps
	@$(S)/tree.sh

export:
	@$(S)/export.sh

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

SUITES = $$(cut -d' ' -f1 build/initramfs/etc/suites)
REF_OBJ := $(CURDIR)/build/obj-ref
REF_ENV := OBJ=$(REF_OBJ) EXTRA_CONFIG=$(CURDIR)/config/reference/c-policy.config

# The guest suites alone (no lint, no harness tests).
check-guest: initramfs
	@rc=0; $(S)/boot.sh check || rc=$$?; \
	python3 $(S)/tap.py report results $(SUITES) || exit 1; \
	exit $$rc

# The oracle: the same tree with CONFIG_SECCOMP_SUSPEND_RUST off, so the
# unmodified C policy runs, booted with the same suites (results-ref/).
reference-kernel: initramfs
	@$(REF_ENV) $(S)/kernel.sh

check-reference: reference-kernel
	@rc=0; KERNEL=$(REF_OBJ)/arch/x86/boot/bzImage RESULTS=$(CURDIR)/results-ref IMPL=c \
		$(S)/boot.sh check || rc=$$?; \
	python3 $(S)/tap.py report results-ref $(SUITES) || exit 1; \
	exit $$rc

# Everything: lint, the series patch by patch and the harness's own tests
# on the host; the guest
# suites on the Rust kernel and on the C reference kernel, and their
# comparison test by test; one line per suite and the totals.  Fails on
# any failure, a kernel splat in the console, or a guest timeout.
check: initramfs reference-kernel
	@mkdir -p results/host; rm -f results/*.tap results/host/*.tap results-ref/*.tap
	@echo "check: lint"; $(S)/lint.sh --tap > results/host/lint.tap || true
	@echo "check: harness tests"; $(S)/test-harness.sh > results/host/harness.tap || true
	@echo "check: every prefix of the series builds"; \
		$(S)/series-check.sh --tap > results/host/series.tap || true
	@$(S)/boot.sh check || true; python3 $(S)/tap.py split results $(SUITES)
	@KERNEL=$(REF_OBJ)/arch/x86/boot/bzImage RESULTS=$(CURDIR)/results-ref IMPL=c \
		$(S)/boot.sh check || true; python3 $(S)/tap.py split results-ref $(SUITES)
	@echo "check: the Rust policy against the C reference, test by test"
	@python3 $(S)/tap.py compare results results-ref results/host/oracle.tap results/oracle.md || true
	@python3 $(S)/tap.py report results $(SUITES)

# The base without the series, configured like the series kernel.
base-kernel: tree
	@$(S)/base-kernel.sh

# The cost of the series: base, Rust and C kernels under -icount.
bench: initramfs reference-kernel base-kernel
	@$(S)/bench.sh

clean:
	rm -rf results results-ref build/obj build/obj-ref build/obj-base build/initramfs \
		build/initramfs.cpio.gz build/selftests

distclean:
	rm -rf results results-ref build
