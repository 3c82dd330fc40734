/**
 * Command line: generates a document from a JSON file into output/.
 *
 *   npm run generate -- <kind> <data.json> [--format <format>] [--mode final|draft] [--out <folder>]
 *
 * Exit codes: 0 written, 1 unexpected failure, 2 bad usage or bad data (the French messages say
 * which field).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readJson, reportError } from './cli-support.js';
import { listKinds } from './core/registry.js';
import { fromRoot } from './core/paths.js';
import { FORMAT_IDS } from './formats/index.js';
import { Generator } from './generator.js';

const USAGE = `Usage : npm run generate -- <type> <donnees.json> [--format ${FORMAT_IDS.join('|')}] [--mode final|draft] [--out <dossier>]`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f', default: 'pdf' },
        mode: { type: 'string', short: 'm', default: 'final' },
        out: { type: 'string', short: 'o', default: fromRoot('output') },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [kindId, dataFile] = positionals;
  if (values.help || !kindId || !dataFile) {
    console.error(`${USAGE}\nTypes disponibles : ${listKinds().map((k) => k.id).join(', ')}`);
    return values.help ? 0 : 2;
  }

  const data = readJson(dataFile);
  if (data === undefined) return 2;

  const generator = new Generator();
  try {
    const doc = await generator.generate(kindId, data, { format: values.format, mode: values.mode });
    mkdirSync(values.out!, { recursive: true });
    const target = join(values.out!, doc.fileName);
    writeFileSync(target, doc.bytes);
    console.log(`${target}\n  ${doc.bytes.length} octets, SHA-256 ${doc.sha256}`);
    if (doc.missing.length > 0) {
      console.log(`  Projet : ${doc.missing.length} champ(s) à compléter :`);
      for (const m of doc.missing) console.log(`  - ${m.path}`);
    }
    return 0;
  } catch (error) {
    return reportError(error);
  } finally {
    await generator.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
