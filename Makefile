# lmzip front door. `make` builds, `make test` runs every test (native,
# then again under ASan+UBSan), `make bench` writes bench/RESULTS.md.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CORPUS     ?= $(abspath ../shared/corpus)

.PHONY: all deps test test-native test-asan bench demo clean

all: $(BUILD)/lmzip

# Installs what the build needs when it is missing (Debian).
deps:
	@bash scripts/install-deps.sh

$(BUILD)/Makefile: CMakeLists.txt
	@bash scripts/install-deps.sh
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DLMZIP_TESTS=ON

$(BUILD)/lmzip: $(BUILD)/Makefile FORCE
	cmake --build $(BUILD) -j $(JOBS)

test: test-native test-asan

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

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

FORCE:
