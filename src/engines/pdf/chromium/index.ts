/** The Chromium implementation of the PDF printer. */
export { ChromiumPrinter, chromiumPdfOptions } from './printer.js';
export { chromiumOptionsFromEnv, resolveChromiumOptions, type ChromiumOptions } from './options.js';
export { CHROMIUM_ARGS, checkChromiumVersion, launchChromium, MIN_CHROMIUM_MAJOR } from './launch.js';
export { processTreeMemory, processTreePss, type ProcessMemory } from './memory.js';
