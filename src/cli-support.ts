/** What the command-line tools share: reading a JSON file and printing refused data field by field. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ServiceError } from './core/errors.js';

/** The JSON of `file`, or undefined after printing why it cannot be read. */
export function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(resolve(file), 'utf8'));
  } catch (error) {
    console.error(`Impossible de lire ${file} : ${(error as Error).message}`);
    return undefined;
  }
}

/** Prints a refusal with its French field messages; returns the exit code (2 for bad data, 1 otherwise). */
export function reportError(error: unknown): number {
  if (error instanceof ServiceError) {
    console.error(`${error.title} : ${error.message}`);
    for (const e of error.errors) console.error(`  - ${e.path || '(données)'} : ${e.message}`);
    return 2;
  }
  console.error(error);
  return 1;
}
