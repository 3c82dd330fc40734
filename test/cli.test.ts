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
    expect(result.stderr).to.match(/Types disponibles : convention, clause-dce/);
  });
});

describe('command line: sizing', () => {
  async function size(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(tsx, [fromRoot('src', 'sizing', 'cli.ts'), ...args], { cwd: fromRoot() });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it('prints the hours, levers and calculation of each lot in French', async () => {
    const result = await size(['fixtures/dimensionnement.json']);
    expect(result.code).to.equal(0);
    const out = result.stdout.replace(/[\u00A0\u202F]/g, ' ');
    expect(out).to.contain('Lot 1 – Gros œuvre – maçonnerie (Gros œuvre, maçonnerie)');
    expect(out).to.contain('  1 540 heures d’insertion (1 541,67 avant arrondi, 0,83 h par millier d’euros HT)');
    expect(out).to.contain('  Pas de clause en heures : Montant (28 000,00 € HT) inférieur au seuil de 40 000,00 € HT');
    expect(out).to.contain('Total : 2 650 heures pour 3 708 000,00 € HT (4 lot(s) avec clause, 1 sans)');
  });

  it('prints JSON with --json and refuses bad data with exit code 2', async () => {
    const json = await size(['fixtures/dimensionnement.json', '--json']);
    expect(JSON.parse(json.stdout).total.heures).to.equal(2650);
    const bad = await size(['fixtures/convention.json']);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain('  - nature : « Nature du marché » est obligatoire.');
  });
});
