import { readFileSync } from 'node:fs';
/**
 * The suite every document kind must pass, run against each registered kind: its example renders
 * in every format, the PDF says what the DOCX says, a draft of nothing renders with markers, a final
 * of nothing lists the missing fields, and every field has a French label.
 */
import { expect } from 'chai';
import { fromRoot } from '../../src/core/paths.js';
import PizZip from 'pizzip';
import { IncompleteDocumentError } from '../../src/core/errors.js';
import { listKinds } from '../../src/core/registry.js';
import { FORMAT_IDS } from '../../src/formats/index.js';
import { Generator } from '../../src/generator.js';
import { fixture } from '../support/documents.js';
import { bodyWords } from '../support/parity.js';

interface Description {
  type?: string;
  flags?: { label?: string };
  keys?: Record<string, Description>;
}

function unlabelled(desc: Description, path: string[] = []): string[] {
  const own = path.length > 0 && !desc.flags?.label ? [path.join('.')] : [];
  return [...own, ...Object.entries(desc.keys ?? {}).flatMap(([k, child]) => unlabelled(child, [...path, k]))];
}

describe('every document kind', () => {
  const generator = new Generator();
  after(() => generator.close());

  for (const kind of listKinds()) {
    describe(kind.id, () => {
      it('has a note for facilitators: what it is for and what to check', () => {
        const note = readFileSync(fromRoot('docs', 'documents', `${kind.id}.md`), 'utf8');
        expect(note).to.match(/^# /).and.match(/À quoi (il|elle) sert/).and.match(/À vérifier avant/);
      });

      it('labels every field in French', () => {
        expect(unlabelled(kind.schema.describe() as Description)).to.deep.equal([]);
      });

      it('renders its example in every format', async () => {
        for (const format of FORMAT_IDS) {
          const doc = await generator.generate(kind.id, fixture(kind.id), { format });
          expect(doc.bytes.length, format).to.be.greaterThan(1000);
          expect(doc.fileName, format).to.match(new RegExp(`\\.${format}$`));
        }
      });

      it('gives Markdown and plain text without HTML left over', async () => {
        for (const format of ['md', 'txt']) {
          const text = (await generator.generate(kind.id, fixture(kind.id), { format })).bytes.toString('utf8');
          expect(text, format).not.to.match(/<\/?[a-z][a-z0-9]*(\s[^>]*)?>/i);
          expect(text, format).not.to.contain('{{');
        }
      });

      it('prints in the PDF, word for word, the text of the DOCX', async () => {
        const docx = (await generator.generate(kind.id, fixture(kind.id), { format: 'docx' })).bytes;
        const pdf = (await generator.generate(kind.id, fixture(kind.id), { format: 'pdf' })).bytes;
        const { docxWords, pdfWords, pages } = await bodyWords(docx, pdf);
        expect(pdfWords).to.deep.equal(docxWords);
        // A final document never says that a value is still to be validated, nor carries a marker.
        expect(pages.join('\n')).not.to.match(/à valider|à compléter|PROJET/);
      });

      it('keeps the draft parity too, markers and all', async () => {
        const docx = (await generator.generate(kind.id, {}, { format: 'docx', mode: 'draft' })).bytes;
        const pdf = (await generator.generate(kind.id, {}, { format: 'pdf', mode: 'draft' })).bytes;
        const { docxWords, pdfWords, pages } = await bodyWords(docx, pdf);
        expect(pdfWords).to.deep.equal(docxWords);
        expect(docxWords.join(' ')).to.contain('[à compléter :');
        pages.forEach((page, i) => expect(page, `page ${i + 1}`).to.contain('PROJET'));
        expect(new PizZip(docx).file('word/header1.xml')!.asText()).to.contain('string="PROJET"');
      });

      it('refuses to finalise nothing, listing each missing field', async () => {
        const error = await generator.generate(kind.id, {}, { format: 'docx' }).catch((e: unknown) => e);
        expect(error).to.be.instanceOf(IncompleteDocumentError);
        const paths = (error as IncompleteDocumentError).errors.map((e) => e.path);
        expect(paths.length).to.be.greaterThan(3);
        const root = kind.schema.describe() as Description;
        const nodeAt = (path: string) => path.split('.').reduce<Description | undefined>((d, k) => d?.keys?.[k], root);
        expect(paths.filter((p) => nodeAt(p)?.type === 'object'), 'missing sections are listed field by field').to.deep.equal([]);
      });
    });
  }
});
