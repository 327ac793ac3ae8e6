# The determinism matrix (docs/DETERMINISM.md, tests/matrix/): the same bytes
# for every input at every level from native x86-64 builds (gcc and clang,
# SIMD kernels on and off, AVX2 dispatch on and off), static aarch64 and
# s390x (big-endian) cross builds under qemu-user, and the npm package's
# WebAssembly SIMD and scalar builds in Node, in headless Chromium, in
# Firefox ESR (SpiderMonkey) and in Bun (JavaScriptCore); each
# decodes the reference's (build/lmzip) streams.
#   make test-matrix         full inputs, incl. a multi-block stream (~15-30 min on 2 cores)
#   make test-matrix-quick   shorter inputs, every platform and level (~4-8 min; what CI runs)
# Reports: build-matrix/matrix.md, build-matrix/matrix-reduced.md.
.PHONY: matrix-deps matrix-prereqs test-matrix test-matrix-quick

matrix-deps:
	@bash scripts/install-deps.sh matrix

matrix-prereqs: matrix-deps wasm $(BUILD)/lmzip
	cd web && npm ci --no-audit --no-fund
	cd tests/runtimes && npm ci --no-audit --no-fund
	cd tests/bundlers && npm ci --no-audit --no-fund

test-matrix: matrix-prereqs
	nice python3 tests/matrix/matrix.py --jobs $(JOBS) --ref $(BUILD)/lmzip

test-matrix-quick: matrix-prereqs
	nice python3 tests/matrix/matrix.py --reduced --jobs $(JOBS) --ref $(BUILD)/lmzip
