# The npm package in the JavaScript runtimes other than Node and Chromium
# (tests/runtimes/): Bun (JavaScriptCore), Deno and Cloudflare's workerd
# (miniflare, the worker bundled by esbuild), from the registry's npm
# packages, each running the `npm pack` tarball in a fresh project; the
# bytes must equal build/lmzip's. About 30 s after the first install.
.PHONY: test-runtimes

test-runtimes: wasm $(BUILD)/lmzip
	cd tests/runtimes && npm ci --no-audit --no-fund
	cd tests/runtimes && LMZIP_NATIVE_CLI=$(abspath $(BUILD)/lmzip) npm test
