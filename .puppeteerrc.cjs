/**
 * Puppeteer's configuration for this project: no browser download. The service and its tests use
 * Debian's Chromium (/usr/bin/chromium, installed by scripts/install.sh); the full `puppeteer`
 * package is only here as the peer dependency of @axe-core/puppeteer (the accessibility tests).
 */
module.exports = { skipDownload: true };
