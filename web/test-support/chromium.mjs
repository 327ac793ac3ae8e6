// (Outside test/: `node --test test/` would run it as a test file.)
// How the tests start headless Chromium (web E2E and the determinism matrix):
// Debian's browser, with the flags that keep it off this machine's closed network.
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];
