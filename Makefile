# lmzip front door. `make` builds, `make test` runs every test (native,
# then again under ASan+UBSan), `make bench` writes bench/RESULTS.md.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CORPUS     ?= $(abspath ../shared/corpus)

.PHONY: all deps test test-native test-asan test-wasm wasm npm-test bench demo clean

all: $(BUILD)/lmzip

# Installs what the build needs when it is missing (Debian).
deps:
	@bash scripts/install-deps.sh

$(BUILD)/Makefile: CMakeLists.txt
	@bash scripts/install-deps.sh
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DLMZIP_TESTS=ON

$(BUILD)/lmzip: $(BUILD)/Makefile FORCE
	cmake --build $(BUILD) -j $(JOBS)

test: test-native test-asan test-wasm npm-test test-web test-runtimes test-bundlers test-matrix-quick

test-native: $(BUILD)/lmzip
	cd $(BUILD) && ctest --output-on-failure

test-asan:
	@bash scripts/install-deps.sh
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLMZIP_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && LMZIP_QUICK=1 ctest --output-on-failure

bench: $(BUILD)/lmzip
	python3 bench/bench.py --lmzip $(BUILD)/lmzip --corpus $(CORPUS) --out bench/RESULTS.md --repeat 3

# The main job: compress and decompress a real file, verify, show the figures.
demo: $(BUILD)/lmzip
	bash scripts/demo.sh $(BUILD)/lmzip

# WebAssembly: the SIMD and the scalar module of the npm package, each with
# its doctest kernels/golden suite run under Node.
EMCMAKE := NODE_PATH=/usr/share/nodejs emcmake
WASM_OUT := npm/dist

wasm:
	@bash scripts/install-deps.sh wasm
	$(EMCMAKE) cmake -S . -B build-wasm-simd -DCMAKE_BUILD_TYPE=Release -DLMZIP_WASM_NAME=lmzip-simd
	NODE_PATH=/usr/share/nodejs cmake --build build-wasm-simd -j $(JOBS)
	$(EMCMAKE) cmake -S . -B build-wasm-scalar -DCMAKE_BUILD_TYPE=Release -DLMZIP_SIMD=OFF -DLMZIP_WASM_NAME=lmzip-scalar
	NODE_PATH=/usr/share/nodejs cmake --build build-wasm-scalar -j $(JOBS)
	mkdir -p $(WASM_OUT)
	cp build-wasm-simd/lmzip-simd.mjs build-wasm-simd/lmzip-simd.wasm \
	   build-wasm-scalar/lmzip-scalar.mjs build-wasm-scalar/lmzip-scalar.wasm \
	   models/default.lmzm models/large.lmzm models/small.lmzm models/default-0.1.lmzm $(WASM_OUT)/
	cd npm && npm ci --no-audit --no-fund && npm run build

test-wasm: wasm
	node build-wasm-simd/lmzip_wasm_tests.js
	node build-wasm-scalar/lmzip_wasm_tests.js

npm-test: wasm $(BUILD)/lmzip
	cd npm && LMZIP_NATIVE_CLI=$(abspath $(BUILD)/lmzip) npm test

# The web demo (web/): `make serve` serves it on http://localhost:8080/
# (PORT=... for another port); `make test-web` runs its end-to-end tests in
# headless Chromium (installed with apt-get when missing).
.PHONY: serve test-web
serve: wasm
	node web/serve.mjs $(PORT)

test-web: wasm $(BUILD)/lmzip
	@bash scripts/install-deps.sh web
	cd web && npm ci --no-audit --no-fund
	cd web && LMZIP_NATIVE_CLI=$(abspath $(BUILD)/lmzip) npm test

# Further targets (fuzzing, the determinism matrix, …) live in mk/*.mk.
-include $(wildcard mk/*.mk)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-wasm-simd build-wasm-scalar $(WASM_OUT) web/build

FORCE:
