# wirelab: two commands do everything on a fresh Debian/Ubuntu machine.
#   make run    install what is missing, build, open the GUI on the lab
#               (no display: print the terminal timeline of `wirelab run ws-echo`)
#   make test   install what is missing, build, run every test

CARGO ?= cargo
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
BIN := $(TARGET_DIR)/debug/wirelab

.PHONY: run test build deps deps-test lint fmt setcap bench

run: deps build
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		exec $(BIN) gui; \
	else \
		echo "No display (DISPLAY and WAYLAND_DISPLAY are unset): printing the terminal timeline of 'wirelab run ws-echo'."; \
		echo "For the GUI run 'make run' on a desktop, or under Xvfb: Xvfb :99 & DISPLAY=:99 make run"; \
		echo; \
		$(BIN) run ws-echo --notes; \
	fi

test: deps-test
	$(CARGO) test --locked

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
