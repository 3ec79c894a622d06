# Seccomp suspend/resume for checkpoint/restore: the harness.
# See README.md.  Every target installs what it needs (make deps) first.

SHELL := /bin/sh
S := scripts
export TOP := $(CURDIR)

.PHONY: all deps tree export export-check kernel initramfs run check \
	check-guest lint test-harness shell clean distclean help

all: help

help:
	@echo 'make run           boot the patched kernel and show the feature at work'
	@echo 'make check         lint, harness tests, build, boot and run every suite'
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

shell: initramfs
	@TIMEOUT=$${TIMEOUT:-3600} QEMU_EXTRA='-serial mon:stdio' $(S)/boot.sh shell

lint: tree
	@$(S)/lint.sh

test-harness:
	@$(S)/test-harness.sh

# The guest suites alone (no lint, no harness tests).
check-guest: initramfs
	@rc=0; $(S)/boot.sh check || rc=$$?; \
	python3 $(S)/tap.py report results $$(cut -d' ' -f1 build/initramfs/etc/suites) || exit 1; \
	exit $$rc

# Everything: lint and the harness's own tests on the host, then the
# guest suites; one line per suite and the totals.  Fails on any failure,
# a kernel splat in the console, or a guest timeout.
check: initramfs
	@mkdir -p results/host; rm -f results/*.tap results/host/*.tap
	@echo "check: lint"; $(S)/lint.sh --tap > results/host/lint.tap || true
	@echo "check: harness tests"; $(S)/test-harness.sh > results/host/harness.tap || true
	@rc=0; $(S)/boot.sh check || rc=$$?; \
	python3 $(S)/tap.py report results $$(cut -d' ' -f1 build/initramfs/etc/suites) || exit 1; \
	exit $$rc

clean:
	rm -rf results build/obj build/initramfs build/initramfs.cpio.gz build/selftests

distclean:
	rm -rf results build
