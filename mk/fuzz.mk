# Fuzzing (docs/FUZZING.md): libFuzzer targets under ASan+UBSan, built with
# clang++ directly (CMake is not involved) into $(FUZZ_DIR).
#   make fuzz-build                          both targets + seed corpus
#   make fuzz FUZZ_SECONDS=60 FUZZ_JOBS=1    runs each target in turn
#   make fuzz-clean
# fuzz/run.sh runs the built targets without make or clang (copy $(FUZZ_DIR)).
FUZZ_DIR     ?= build-fuzz
FUZZ_CXX     ?= clang++
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= 1
FUZZ_TARGETS := fuzz_decode fuzz_roundtrip

FUZZ_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CXXFLAGS ?= -std=c++20 -O1 -g -fno-omit-frame-pointer -Wall -Wextra \
                 $(if $(filter x86_64,$(shell uname -m)),-msse4.1)
FUZZ_MODEL   := $(abspath models/default.lmzm)
FUZZ_LARGE_MODEL := $(abspath models/large.lmzm)
FUZZ_SMALL_MODEL := $(abspath models/small.lmzm)
FUZZ_CORE    := $(wildcard src/*.cpp) $(wildcard src/nn/*.cpp) $(wildcard src/kernels/*.cpp)
FUZZ_CORE_OBJ := $(patsubst %.cpp,$(FUZZ_DIR)/obj/%.o,$(FUZZ_CORE))

FUZZ_BINS    := $(addprefix $(FUZZ_DIR)/,$(FUZZ_TARGETS))
FUZZ_OBJ     := $(FUZZ_CORE_OBJ) $(patsubst %,$(FUZZ_DIR)/obj/fuzz/%.o,$(FUZZ_TARGETS))

.PHONY: fuzz fuzz-build fuzz-seeds fuzz-clean

fuzz-build: $(FUZZ_BINS) $(FUZZ_DIR)/run.sh fuzz-seeds

# The core is instrumented for coverage (fuzzer-no-link) and sanitizers; the
# default model is embedded (.incbin) exactly as CMake does for native builds.
# The GRU model and the kernels (src/nn/, src/kernels/) are straight-line
# integer arithmetic whose branches do not depend on the data: coverage
# tracing there found nothing and made the neural levels ~8x slower, so they
# get the sanitizers only. So does the predictor (src/predictor.cpp with the
# components, src/tables.cpp): its comparisons are of probabilities and
# hashes, which every input drives alike, and tracing them took three
# quarters of the decode target's time. The kernels run without ASan (UBSan
# only): ASan checks their 32- and 64-byte vector loads by a call each, half
# the neural levels' time, and their bounds are the model's shapes, never
# the input's; the kernel tests run them under ASan (`make test-asan`).
FUZZ_COV := -fsanitize=fuzzer-no-link
$(FUZZ_DIR)/obj/src/nn/%.o: FUZZ_COV :=
$(FUZZ_DIR)/obj/src/kernels/%.o: FUZZ_COV :=
$(FUZZ_DIR)/obj/src/kernels/%.o: FUZZ_SANITIZE := -fsanitize=undefined -fno-sanitize-recover=all
$(FUZZ_DIR)/obj/src/predictor.o $(FUZZ_DIR)/obj/src/tables.o: FUZZ_COV :=

# The flags are part of what an object is made from.
$(FUZZ_OBJ): $(FUZZ_DIR)/obj/%.o: %.cpp mk/fuzz.mk
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) $(FUZZ_SANITIZE) $(FUZZ_COV) -Isrc \
	  -DLMZIP_DEFAULT_MODEL='"$(FUZZ_MODEL)"' -DLMZIP_LARGE_MODEL='"$(FUZZ_LARGE_MODEL)"' \
	  -DLMZIP_SMALL_MODEL='"$(FUZZ_SMALL_MODEL)"' -MMD -MP -c $< -o $@

$(FUZZ_DIR)/obj/src/model.o: $(FUZZ_MODEL) $(FUZZ_LARGE_MODEL) $(FUZZ_SMALL_MODEL)

$(FUZZ_BINS): $(FUZZ_DIR)/%: $(FUZZ_DIR)/obj/fuzz/%.o $(FUZZ_CORE_OBJ)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) $(FUZZ_SANITIZE) -fsanitize=fuzzer $^ -o $@ \
	  -static-libstdc++ -static-libgcc

$(FUZZ_DIR)/run.sh: fuzz/run.sh
	@mkdir -p $(FUZZ_DIR)
	cp $< $@

# Seeds: the golden streams, small streams at several levels, the committed
# seeds; written into $(FUZZ_DIR)/seeds/<target>/ (never committed).
fuzz-seeds:
	bash fuzz/make_seeds.sh $(FUZZ_DIR)

fuzz: fuzz-build
	FUZZ_LOG_DIR=$(FUZZ_DIR)/logs bash $(FUZZ_DIR)/run.sh $(FUZZ_SECONDS) $(FUZZ_JOBS)

fuzz-clean:
	rm -rf $(FUZZ_DIR)

-include $(FUZZ_OBJ:.o=.d)
