/**
 * One page of the browser kept for printing, driven through its own DevTools session: the
 * request's HTML becomes the page's document (Page.setDocumentContent), and once it has loaded
 * the page is printed (Page.printToPDF) with the PDF returned in the answer itself. Two protocol
 * calls per document: puppeteer's setContent and pdf add script evaluations and a stream read in
 * chunks, which this path does not need.
 *
 * The page runs no script of its own (JavaScript disabled) and reaches no server: the browser is
 * launched behind a proxy that does not exist (launch.ts), so every http(s) and WebSocket request
 * fails inside Chromium, without a round trip to this process per request as request
 * interception would cost. data: URLs (the templates' images) need no network.
 */
import { decodeHTMLAttribute } from 'entities';
import type { Browser, CDPSession, Page, PDFOptions } from 'puppeteer-core';
import { ANCHOR_ATTRIBUTE } from '../printer.js';
import { ANCHOR_URI_PREFIX, linkAnchors } from './anchors.js';

/** Paper sizes puppeteer knows by name, in inches (the unit of Page.printToPDF). */
const PAPER_INCHES: Record<string, { width: number; height: number }> = {
  a4: { width: 8.27, height: 11.7 },
  a3: { width: 11.7, height: 16.54 },
  letter: { width: 8.5, height: 11 },
};

const inches = (value: string | number | undefined): number => {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value / 96;
  const match = /^([\d.]+)(px|in|cm|mm)?$/.exec(value.trim());
  if (!match) return 0;
  const n = Number(match[1]);
  const perInch = { px: 96, in: 1, cm: 2.54, mm: 25.4 }[match[2] ?? 'px'] ?? 96;
  return n / perInch;
};

/** The Page.printToPDF parameters equivalent to puppeteer's `page.pdf(options)`, the PDF in the answer. */
export function printToPdfParams(options: PDFOptions): Record<string, unknown> {
  const paper = PAPER_INCHES[(options.format ?? 'a4').toLowerCase()] ?? PAPER_INCHES.a4!;
  return {
    transferMode: 'ReturnAsBase64',
    landscape: options.landscape ?? false,
    displayHeaderFooter: options.displayHeaderFooter ?? false,
    headerTemplate: options.headerTemplate ?? '',
    footerTemplate: options.footerTemplate ?? '',
    printBackground: options.printBackground ?? false,
    scale: options.scale ?? 1,
    paperWidth: paper.width,
    paperHeight: paper.height,
    marginTop: inches(options.margin?.top),
    marginBottom: inches(options.margin?.bottom),
    marginLeft: inches(options.margin?.left),
    marginRight: inches(options.margin?.right),
    pageRanges: options.pageRanges ?? '',
    preferCSSPageSize: options.preferCSSPageSize ?? false,
    generateTaggedPDF: options.tagged ?? false,
    generateDocumentOutline: options.outline ?? false,
  };
}

/**
 * Anchors on links (`<a … data-pdf-anchor="name">`) get their href in the HTML itself, before
 * printing: no script to run in the page. Other anchored elements are left to `linkAnchors`,
 * run in the page. In HTML text a "<" is always escaped, so the pattern only meets start tags.
 */
export function linkAnchorsInHtml(html: string): { html: string; rest: boolean } {
  const pattern = new RegExp(`<a\\b([^<>]*?)\\s${ANCHOR_ATTRIBUTE}="([^"<>]*)"`, 'g');
  const linked = html.replace(pattern, (_, before: string, name: string) => `<a${before} href="${ANCHOR_URI_PREFIX}${encodeURIComponent(decodeHTMLAttribute(name))}"`);
  return { html: linked, rest: linked.includes(`${ANCHOR_ATTRIBUTE}=`) };
}

export class Tab {
  private constructor(
    readonly page: Page,
    private readonly session: CDPSession,
    private readonly frameId: string,
  ) {}

  static async open(browser: Browser): Promise<Tab> {
    const page = await browser.newPage();
    try {
      await page.setJavaScriptEnabled(false);
      const session = await page.createCDPSession();
      await session.send('Page.enable');
      await session.send('Page.setLifecycleEventsEnabled', { enabled: true });
      const { frameTree } = await session.send('Page.getFrameTree');
      return new Tab(page, session, frameTree.frame.id);
    } catch (error) {
      await page.close().catch(() => undefined);
      throw error;
    }
  }

  isClosed(): boolean {
    return this.page.isClosed();
  }

  /** Still showing a document of ours: a page that navigated away (a meta refresh…) is not reused. */
  usable(): boolean {
    return !this.page.isClosed() && this.page.url() === 'about:blank';
  }

  close(): Promise<void> {
    return this.page.close();
  }

  /** Collects the garbage of the page's renderer (its JavaScript and DOM heaps). */
  async collectGarbage(): Promise<void> {
    await this.session.send('HeapProfiler.collectGarbage');
  }

  /** The page's document becomes `html`; resolves once it has loaded (its data: images decoded). */
  private async load(html: string): Promise<void> {
    let listener: ((event: { name: string; frameId: string }) => void) | undefined;
    const loaded = new Promise<void>((resolve) => {
      listener = (event) => {
        if (event.name === 'load' && event.frameId === this.frameId) resolve();
      };
      this.session.on('Page.lifecycleEvent', listener);
    });
    try {
      await this.session.send('Page.setDocumentContent', { frameId: this.frameId, html });
      await loaded;
    } finally {
      this.session.off('Page.lifecycleEvent', listener!);
    }
  }

  async print(html: string, options: PDFOptions): Promise<Uint8Array> {
    const anchors = html.includes(ANCHOR_ATTRIBUTE) ? linkAnchorsInHtml(html) : { html, rest: false };
    await this.load(anchors.html);
    if (anchors.rest) await this.page.evaluate(linkAnchors, ANCHOR_ATTRIBUTE, ANCHOR_URI_PREFIX);
    const { data } = await this.session.send('Page.printToPDF', printToPdfParams(options) as never);
    return Buffer.from(data, 'base64');
  }
}
