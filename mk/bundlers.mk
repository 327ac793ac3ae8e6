# The npm package built by bundlers and in Firefox (tests/bundlers/): Vite
# (build + preview) and webpack 5 production builds of an app that uses the
# package in the page and in a module Web Worker, each run in headless
# Chromium and in Firefox ESR (SpiderMonkey) under a strict CSP, the same app on Vite's dev
# server (Chromium), and the browser entry without a bundler in Firefox
# (plain page, strict CSP, module worker), all from the
# `npm pack` tarball in a fresh project; the bytes must equal build/lmzip's.
# Vite, webpack and puppeteer-core (which drives Debian's chromium and
# firefox-esr) come from tests/bundlers/package.json. About a minute after
# the first install.
.PHONY: test-bundlers

test-bundlers: wasm $(BUILD)/lmzip
	@bash scripts/install-deps.sh bundlers
	cd tests/bundlers && npm ci --no-audit --no-fund
	cd tests/bundlers && LMZIP_NATIVE_CLI=$(abspath $(BUILD)/lmzip) npm test
