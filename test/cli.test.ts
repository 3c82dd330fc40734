import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fromRoot } from '../src/core/paths.js';
import { docxParagraphs } from './support/documents.js';

const run = promisify(execFile);
const tsx = fromRoot('node_modules', '.bin', 'tsx');
const cli = fromRoot('src', 'cli.ts');

async function generate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, [cli, ...args], { cwd: fromRoot() });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('command line', () => {
  it('writes the document of a JSON file into the output folder', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sortie-'));
    const result = await generate(['convention', 'fixtures/convention.json', '--format', 'docx', '--out', out]);
    expect(result.code).to.equal(0);
    const files = readdirSync(out);
    expect(files).to.deep.equal(['convention-partenariat-communaute-de-communes-somme-santerre-2026-12-01.docx']);
    expect(result.stdout).to.contain('SHA-256');
    expect(docxParagraphs(readFileSync(join(out, files[0]!)))).to.include('Article I – Objet de la convention');
  });

  it('writes a PDF by default', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sortie-'));
    const result = await generate(['convention', 'fixtures/convention.json', '--out', out]);
    expect(result.code).to.equal(0);
    expect(readFileSync(join(out, readdirSync(out)[0]!)).subarray(0, 5).toString()).to.equal('%PDF-');
  });

  it('lists the fields to complete and exits with 2 on incomplete data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'donnees-'));
    const file = join(dir, 'incomplet.json');
    const data = JSON.parse(readFileSync(fromRoot('fixtures', 'convention.json'), 'utf8'));
    delete data.signature.lieu;
    writeFileSync(file, JSON.stringify(data));
    const result = await generate(['convention', file, '--out', dir]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain('Document incomplet');
    expect(result.stderr).to.contain('  - signature.lieu : « Lieu de signature » est obligatoire.');
  });

  it('explains its usage and the available kinds', async () => {
    const result = await generate([]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain('Usage : npm run generate -- <type> <donnees.json>');
    expect(result.stderr).to.contain('Types disponibles : convention');
  });
});
