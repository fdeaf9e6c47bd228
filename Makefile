# wirelab: two commands do everything on a fresh Debian/Ubuntu machine.
#   make run    install what is missing, build, open the GUI on the lab
#               (no display: print the terminal timeline of `wirelab run ws-echo`)
#   make test   install what is missing, build, run every test

CARGO ?= cargo
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
BIN := $(TARGET_DIR)/debug/wirelab
# Tests skipped under WIRELAB_SKIP_CAPTURE=1 list themselves here (tests/support/capture.rs).
SKIPPED := $(TARGET_DIR)/tmp/wirelab-skipped.txt
# The test binaries that capture packets in their own process.
CAPTURE_TESTS := lab_packet capture_live ui_capture

.PHONY: run test build deps deps-test lint fmt setcap setcap-tests bench

run: deps build
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		exec $(BIN) gui; \
	else \
		echo "No display (DISPLAY and WAYLAND_DISPLAY are unset): printing the terminal timeline of 'wirelab run ws-echo'."; \
		echo "For the GUI run 'make run' on a desktop, or under Xvfb: Xvfb :99 & DISPLAY=:99 make run"; \
		echo; \
		$(BIN) run ws-echo --notes; \
	fi

# Without capture permission the capture tests fail and say how to get it; with
# WIRELAB_SKIP_CAPTURE=1 they pass, and what they skipped is printed at the end.
test: deps-test
	@rm -f $(SKIPPED)
	@status=0; $(CARGO) test --locked || status=$$?; \
	if [ -s $(SKIPPED) ]; then \
		echo; echo "SKIPPED (WIRELAB_SKIP_CAPTURE=1), these tests did not do their job:"; \
		cat $(SKIPPED); rm -f $(SKIPPED); \
	fi; \
	exit $$status

build:
	$(CARGO) build --locked

# Criterion benchmarks (dissector, reassembly, timeline layout), the File view opening the big
# capture, then `inspect --summary` on it next to tshark, when it exists (README "Performance").
bench:
	$(CARGO) bench --locked --bench dissect --bench reassembly --bench timeline --bench open_file
	@f=$${XDG_CACHE_HOME:-$$HOME/.cache}/wirelab-bench/big.pcap; \
	if [ -f "$$f" ]; then scripts/bench-inspect.sh "$$f"; \
	else echo "no big capture at $$f (make it with ../shared/bench/make_big.sh) - skipping inspect"; fi

deps:
	@scripts/install-deps.sh run

deps-test:
	@scripts/install-deps.sh test

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --locked --all-targets -- -D warnings

fmt:
	$(CARGO) fmt

# Lets the built binary capture packets without running as root (Linux). Linking drops the
# capability, so run this again after every build.
setcap: build
	@if [ "$$(id -u)" -eq 0 ]; then setcap cap_net_raw,cap_net_admin=eip $(BIN); \
	else sudo setcap cap_net_raw,cap_net_admin=eip $(BIN); fi
	@echo "$(BIN) may now capture packets: getcap says $$(getcap $(BIN))"

# Lets the capture tests capture without root: builds the test binaries and gives the ones
# that capture in-process the capability. Building them again drops it: run this after each
# build (a following `make test` that rebuilds nothing keeps it).
setcap-tests:
	@bins=$$($(CARGO) test --locked --no-run --message-format=json $(foreach t,$(CAPTURE_TESTS),--test $(t)) \
		| grep -o '"executable":"[^"]*"' | cut -d'"' -f4); \
	for b in $$bins; do \
		if [ "$$(id -u)" -eq 0 ]; then setcap cap_net_raw,cap_net_admin=eip $$b; \
		else sudo setcap cap_net_raw,cap_net_admin=eip $$b; fi; \
		echo "$$b may now capture packets: getcap says $$(getcap $$b)"; \
	done
