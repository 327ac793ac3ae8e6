# Where the time goes (bench/PROFILE.md): per level, the coder, the context
# models and mixing, the neural model and its matvecs; per matvec kernel, its
# multiply-adds per second next to its instruction's peak. Natively and in
# WebAssembly (SIMD and scalar builds, in Node); about five minutes on 2 cores.
#   make profile                      writes bench/PROFILE.md
#   make profile PROFILE_OUT=/tmp/p.md PROFILE_ARGS=--quick   a smoke test
#   make profile PROFILE_ARGS="--repeat 5"   more rounds, for a busy machine
# bench/profile.py says what each build runs on how many bytes.
PROFILE_INPUT ?= $(CORPUS)/bench/calgary/book1
PROFILE_OUT   ?= bench/PROFILE.md
PROFILE_ARGS  ?=

.PHONY: profile profile-tools

# The WebAssembly builds are configured as `make wasm` configures them; only
# the profiling tool is built there.
profile-tools: $(BUILD)/lmzip
	@bash scripts/install-deps.sh wasm
	$(EMCMAKE) cmake -S . -B build-wasm-simd -DCMAKE_BUILD_TYPE=Release -DLMZIP_WASM_NAME=lmzip-simd
	NODE_PATH=/usr/share/nodejs cmake --build build-wasm-simd -j $(JOBS) --target lmzip_profile
	$(EMCMAKE) cmake -S . -B build-wasm-scalar -DCMAKE_BUILD_TYPE=Release -DLMZIP_SIMD=OFF -DLMZIP_WASM_NAME=lmzip-scalar
	NODE_PATH=/usr/share/nodejs cmake --build build-wasm-scalar -j $(JOBS) --target lmzip_profile

profile: profile-tools
	python3 bench/profile.py --input $(PROFILE_INPUT) --out $(PROFILE_OUT) $(PROFILE_ARGS) \
	  --native $(BUILD)/lmzip_profile \
	  --wasm-simd build-wasm-simd/lmzip_profile.js \
	  --wasm-scalar build-wasm-scalar/lmzip_profile.js
