/**
 * Bad input never ends in an internal error: for every kind, each field of its example is removed
 * or given a value of the wrong type, one at a time, and the document is asked in both modes. The
 * answer is a document or a client error (ServiceError with field messages), never anything else.
 */
import { expect } from 'chai';
import { ServiceError } from '../../src/core/errors.js';
import { listKinds } from '../../src/core/registry.js';
import { Generator } from '../../src/generator.js';
import { statusOf } from '../../src/server/problem.js';
import { expectNothingInternal, fixture, withValue } from '../support/documents.js';

/** Paths of the example's fields, down to `depth` levels, lists sampled on their first item. */
function paths(node: unknown, prefix: string[] = [], depth = 3): string[] {
  if (prefix.length >= depth || node === null || typeof node !== 'object') return [];
  const entries = Array.isArray(node) ? (node.length > 0 ? [['0', node[0]] as const] : []) : Object.entries(node);
  return entries.flatMap(([k, v]) => {
    const here = [...prefix, String(k)];
    return [here.join('.'), ...paths(v, here, depth)];
  });
}

describe('bad input never gives an internal error', () => {
  const generator = new Generator();
  after(() => generator.close());

  for (const kind of listKinds()) {
    it(`${kind.id}: every field removed or of the wrong type, in draft and final mode`, async function () {
      this.timeout(120_000);
      const example = fixture(kind.id);
      const variants = paths(example).flatMap((p) => [withValue(example, p, undefined), withValue(example, p, { inattendu: true }), withValue(example, p, 'XXXXX')]);
      let documents = 0;
      let refusals = 0;
      for (const data of variants) {
        for (const mode of ['draft', 'final']) {
          try {
            await generator.generate(kind.id, data, { format: 'docx', mode });
            documents++;
          } catch (error) {
            if (!(error instanceof ServiceError)) throw error;
            expect(statusOf(error)).to.be.within(400, 499);
            expect(error.errors.length, error.message).to.be.greaterThan(0);
            expectNothingInternal(JSON.stringify({ detail: error.message, errors: error.errors }));
            refusals++;
          }
        }
      }
      expect(documents).to.be.greaterThan(0);
      expect(refusals).to.be.greaterThan(0);
    });
  }
});
