/** Word-for-word comparison of a DOCX and the PDF made from it (body text only). */
import PizZip from 'pizzip';
import { readHeaderFooter } from '../../src/engines/html/header-footer.js';
import { PAGE_COUNT, PAGE_NUMBER } from '../../src/engines/page-tokens.js';
import { docxParagraphs, pdfPages, words } from './documents.js';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function decodeHtml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#123;/g, '{').replace(/&#125;/g, '}').replace(/&amp;/g, '&');
}

/** A line of the page header or footer: their text with the page tokens as numbers. */
function marginLine(docx: Buffer): RegExp[] {
  const { header, footer } = readHeaderFooter(new PizZip(docx));
  return [header, footer]
    .flatMap((html) => html.split('<br>'))
    .filter((line) => line.length > 0)
    .map((line) => {
      const parts = line.split(PAGE_NUMBER).flatMap((p) => p.split(PAGE_COUNT)).map((p) => escapeRegExp(decodeHtml(p).replace(/[\u00A0\u202F]/g, ' ')));
      return new RegExp(`^${parts.join('\\d+')}$`);
    });
}

/** Header rows of the DOCX tables (repeated at the top of each page a table runs over). */
function headerRows(docx: Buffer): Set<string> {
  const xml = new PizZip(docx).file('word/document.xml')!.asText();
  const rows = [...xml.matchAll(/<w:tr\b[^>]*>(?:(?!<\/w:tr>)[\s\S])*?<w:tblHeader\/>[\s\S]*?<\/w:tr>/g)].map((m) =>
    [...m[0].matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((t) => decodeHtml(t[1]!.replace(/&apos;/g, "'"))).join(' '),
  );
  return new Set(rows.map((r) => words(r).join(' ')));
}

// List bullets are drawn by Word's numbering and by CSS: they are not words of the text.
const notBullet = (w: string) => w !== '–';

export async function bodyWords(docx: Buffer, pdf: Buffer, draftMark = 'PROJET'): Promise<{ docxWords: string[]; pdfWords: string[]; pages: string[] }> {
  const margins = marginLine(docx);
  const pages = await pdfPages(pdf);
  const headers = headerRows(docx);
  const body = pages.map((page) => {
    const lines = page
      .split('\n')
      .map((line) => line.replace(/[\u00A0\u202F]/g, ' ').trim())
      .filter((line) => line.length > 0 && line !== draftMark && !margins.some((m) => m.test(line)));
    return lines.join('\n');
  });
  const docxWords = words(docxParagraphs(docx).join('\n')).filter(notBullet);
  // A compound word broken after its hyphen at the end of a line ("Haute-" / "Somme") is one word.
  let pdfWords = words(body.join('\n').replace(/-\n/g, '-')).filter(notBullet);
  // A table header repeated on a continuation page is layout, not text: walking both texts side by
  // side, a header in the PDF where the DOCX has none is skipped.
  const sequences = [...headers].map((h) => h.split(' '));
  const startsWith = (list: string[], at: number, seq: string[]) => seq.every((w, k) => list[at + k] === w);
  const aligned: string[] = [];
  for (let i = 0, j = 0; i < pdfWords.length; ) {
    const header = sequences.find((seq) => startsWith(pdfWords, i, seq));
    if (header && !startsWith(docxWords, j, header)) {
      i += header.length;
      continue;
    }
    aligned.push(pdfWords[i]!);
    i++;
    j++;
  }
  pdfWords = aligned;
  return { docxWords, pdfWords, pages };
}
