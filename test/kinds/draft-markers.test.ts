/**
 * The markers of a draft name the missing field in French, by the labels of its schema (sections,
 * then the field), never by its dotted path: « [à compléter : Signature – Date de signature] ».
 * For every kind, an empty draft and its example with fields removed (a third of its values at a
 * time, so that every value is missing once) are generated as HTML; no marker may hold a path or
 * an identifier, every marker is highlighted, and the `missing` list still gives paths to programs.
 */
import { expect } from 'chai';
import Joi from 'joi';
import { fieldName, fieldTrail, markerAt } from '../../src/core/field-names.js';
import { isMarker, marker } from '../../src/core/markers.js';
import type { DocumentKind } from '../../src/core/kind.js';
import { listKinds } from '../../src/core/registry.js';
import { validate } from '../../src/core/validation.js';
import { Generator } from '../../src/generator.js';
import '../../src/kinds/index.js';
import { fixture, withValue } from '../support/documents.js';
import { decodeEntities } from '../support/html.js';

const NOW = new Date('2026-11-25T10:00:00Z');
const MARKER = /\[à compléter[ \u00A0]: [^\]]*\]/g;
const CAMEL_CASE = /\[à compléter : [^\]]*[a-z][A-Z][^\]]*\]/;
const DOTTED = /\[à compléter : [^\]]*\w\.\w[^\]]*\]/;

/** The paths of every value of `node` (every item of every list). */
function leaves(node: unknown, prefix: string[] = []): string[] {
  if (node === null || typeof node !== 'object') return prefix.length > 0 ? [prefix.join('.')] : [];
  return Object.entries(node).flatMap(([k, v]) => leaves(v, [...prefix, k]));
}

/**
 * Drafts of the example with values removed, together covering every value that can be missing:
 * each value is removed from the first draft that stays valid without it (removing two lots'
 * numbers, say, would make them duplicates), and a value whose removal alone is refused (a date
 * another one refers to) is left.
 */
function withoutValues(kind: DocumentKind, example: Record<string, unknown>): Record<string, unknown>[] {
  const valid = (data: Record<string, unknown>) => {
    try {
      validate(kind.schema, data, 'draft');
      return true;
    } catch {
      return false;
    }
  };
  const drafts: Record<string, unknown>[] = [];
  // Items of a list are emptied from the end, so that removing one value does not shift the next.
  for (const path of leaves(example).reverse()) {
    const index = drafts.findIndex((data) => valid(withValue(data, path, undefined)));
    if (index >= 0) drafts[index] = withValue(drafts[index]!, path, undefined);
    else if (valid(withValue(example, path, undefined))) drafts.push(withValue(example, path, undefined));
  }
  return drafts;
}

describe('draft markers name the missing fields in French', () => {
  const generator = new Generator();
  after(() => generator.close());

  describe('the name of a field', () => {
    const schema = Joi.object({
      nom: Joi.string().label('Nom').required(),
      signature: Joi.object({ date: Joi.date().label('Date de signature') }).label('Signature'),
      lots: Joi.array()
        .items(Joi.object({ heures: Joi.number().label('Heures d’insertion'), critere: Joi.object({ numero: Joi.string().label('Numéro') }).label('Critère « insertion »') }).label('Lot'))
        .label('Lots'),
      communes: Joi.array().items(Joi.string().label('Code INSEE')).label('Communes'),
      sansLibelle: Joi.string(),
    }).label('Exemple');

    it('gives the sections, then the field, joined by a spaced en dash', () => {
      expect(fieldName(schema, 'nom')).to.equal('Nom');
      expect(fieldName(schema, 'signature.date')).to.equal('Signature – Date de signature');
      expect(fieldName(schema, ['signature', 'date'])).to.equal('Signature – Date de signature');
    });

    it('names an item of a list by its label and position, as the form’s legends do', () => {
      expect(fieldName(schema, 'lots')).to.equal('Lots');
      expect(fieldName(schema, 'lots.1.heures')).to.equal('Lot 2 – Heures d’insertion');
      expect(fieldName(schema, ['lots', 0, 'critere', 'numero'])).to.equal('Lot 1 – Critère «\u00A0insertion\u00A0» – Numéro');
      expect(fieldName(schema, 'communes.2')).to.equal('Communes – Code INSEE 3');
    });

    it('never falls back to a path or an identifier', () => {
      expect(fieldName(schema, 'sansLibelle')).to.equal('sans libelle');
      expect(fieldTrail(schema, 'signature.inconnu.x')).to.deep.equal(['Signature']);
      expect(fieldName(schema, '')).to.equal('Document');
    });

    it('makes markers that the HTML highlighting can find whole', () => {
      expect(markerAt(schema, 'signature.date')).to.equal('[à compléter : Signature – Date de signature]');
      expect(marker('Annexe [1]')).to.equal('[à compléter : Annexe (1)]');
      expect(isMarker(markerAt(schema, 'lots.0.heures'))).to.equal(true);
    });
  });

  for (const kind of listKinds()) {
    it(`${kind.id}: no marker of its drafts holds a dotted path or an identifier`, async function () {
      this.timeout(120_000);
      const example = fixture(kind.id);
      const drafts = [{}, ...withoutValues(kind, example)];
      expect(drafts.length).to.be.within(2, 12);
      const seen = new Set<string>();
      for (const [i, data] of drafts.entries()) {
        const doc = await generator.generate(kind.id, data, { format: 'html', mode: 'draft', now: NOW });
        const html = doc.bytes.toString('utf8');
        // The screen header repeats the document's title and reference, unhighlighted: the body is read without it.
        const body = html.slice(html.indexOf('<body')).replace(/<(header|footer)\b[\s\S]*?<\/\1>/g, '');
        const text = decodeEntities(body.replace(/<[^>]+>/g, ''));
        const markers = text.match(MARKER) ?? [];
        for (const m of markers) {
          expect(m, `draft ${i}`).not.to.match(CAMEL_CASE);
          expect(m, `draft ${i}`).not.to.match(DOTTED);
          seen.add(m);
        }
        // Each marker is highlighted whole (labels hold « », ’ and –, never "]").
        const highlighted = [...body.matchAll(/<mark class="a-completer">([^<]*)<\/mark>/g)].map((m) => decodeEntities(m[1]!));
        expect(highlighted.every((m) => new RegExp(`^${MARKER.source}$`).test(m)), `draft ${i}: ${highlighted.join(' ')}`).to.equal(true);
        expect(highlighted.length, `draft ${i}: every marker highlighted`).to.equal((body.match(/\[à compléter/g) ?? []).length);
        // Programs still get the fields by their paths.
        expect(doc.missing.length, `draft ${i}`).to.be.greaterThan(0);
        for (const m of doc.missing) expect(m.path, `draft ${i}`).to.match(/^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$/);
      }
      expect(seen.size, 'markers found').to.be.greaterThan(3);
    });
  }
});
