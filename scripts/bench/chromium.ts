/**
 * The references printed by Chromium alone, on the service's own print request:
 *
 * - the floor: one warm browser launched as the service launches it (same executable, same flags,
 *   fresh profile), as many warm pages as the service keeps, and for each document
 *   `page.setContent(request.html)` then `page.pdf(chromiumPdfOptions())` (tagged, outline, the header
 *   and footer as the HTML's margin boxes: the service's exact request and options, through
 *   puppeteer's own calls) and nothing
 *   else: no anchors, no pdf-lib parsing or finishing, no HTTP, no validation or DOCX/HTML stages;
 * - a browser launched per request: launch, open a page, print the same, close.
 */
import type { Browser, Page } from 'puppeteer-core';
import { chromiumPdfOptions, launchChromium } from '../../src/engines/pdf/chromium/index.js';
import type { PrintRequest } from '../../src/engines/pdf/printer.js';

/** Prints the request on a page: the floor's whole work. */
async function print(page: Page, request: PrintRequest): Promise<Uint8Array> {
  await page.setContent(request.html, { waitUntil: 'load', timeout: 60_000 });
  return page.pdf(chromiumPdfOptions());
}

/** One warm browser and a fixed set of warm pages; a print waits for a free page. */
export class FloorPrinter {
  private readonly idle: Page[] = [];
  private readonly waiting: ((page: Page) => void)[] = [];

  private constructor(readonly browser: Browser) {}

  static async launch(executablePath: string, pages: number): Promise<FloorPrinter> {
    const floor = new FloorPrinter(await launchChromium(executablePath));
    floor.idle.push(...(await Promise.all(Array.from({ length: pages }, () => floor.browser.newPage()))));
    return floor;
  }

  get pid(): number | undefined {
    return this.browser.process()?.pid;
  }

  async print(request: PrintRequest): Promise<Uint8Array> {
    const page = this.idle.pop() ?? (await new Promise<Page>((resolve) => this.waiting.push(resolve)));
    try {
      return await print(page, request);
    } finally {
      const next = this.waiting.shift();
      if (next) next(page);
      else this.idle.push(page);
    }
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
  }
}

/** The alternative the shared browser avoids: a new Chromium for one PDF. */
export async function printWithNewBrowser(executablePath: string, request: PrintRequest): Promise<Uint8Array> {
  const browser = await launchChromium(executablePath);
  try {
    return await print(await browser.newPage(), request);
  } finally {
    await browser.close().catch(() => undefined);
  }
}
