/**
 * Files of the archive on the local disk, addressed by their SHA-256 (DATA_DIR/fichiers/ab/abcdef…).
 * A file is written to a temporary name, flushed, then renamed into place: a crash leaves either
 * the whole file or a temporary one that the next start removes, never half a file under its name.
 * Reading checks the hash: a file altered on disk is never served as if it were the original.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A stored file whose bytes no longer match their hash: a 500 for the client, a corruption alert in the log. */
export class CorruptionError extends Error {
  constructor(readonly sha256: string, readonly actual: string | null) {
    super(actual === null ? `Stored file ${sha256} is missing` : `Stored file ${sha256} has hash ${actual}`);
    this.name = 'CorruptionError';
  }
}

export const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

export class FileArea {
  private readonly files: string;
  private readonly tmp: string;

  constructor(root: string) {
    this.files = join(root, 'fichiers');
    this.tmp = join(root, 'tmp');
    mkdirSync(this.files, { recursive: true });
    mkdirSync(this.tmp, { recursive: true });
  }

  pathOf(hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`Not a SHA-256: ${hash}`);
    return join(this.files, hash.slice(0, 2), hash);
  }

  /**
   * Writes the bytes under their hash (once: the same bytes are the same file); `created` says
   * whether this call wrote it, so that a failed write of its row removes only what it added.
   */
  put(bytes: Buffer): { hash: string; created: boolean } {
    const hash = sha256(bytes);
    const target = this.pathOf(hash);
    if (existsSync(target)) return { hash, created: false };
    mkdirSync(join(this.files, hash.slice(0, 2)), { recursive: true });
    const temporary = join(this.tmp, `${hash}.${randomBytes(6).toString('hex')}`);
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, target);
    return { hash, created: true };
  }

  async read(hash: string): Promise<Buffer> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.pathOf(hash));
    } catch {
      throw new CorruptionError(hash, null);
    }
    const actual = sha256(bytes);
    if (actual !== hash) throw new CorruptionError(hash, actual);
    return bytes;
  }

  remove(hash: string): void {
    rmSync(this.pathOf(hash), { force: true });
  }

  /** Removes temporary files and every file that no row refers to (left by a crash between the two writes). */
  sweep(referenced: (hash: string) => boolean): number {
    rmSync(this.tmp, { recursive: true, force: true });
    mkdirSync(this.tmp, { recursive: true });
    let removed = 0;
    for (const dir of readdirSync(this.files)) {
      for (const name of readdirSync(join(this.files, dir))) {
        if (!referenced(name)) {
          rmSync(join(this.files, dir, name), { force: true });
          removed++;
        }
      }
    }
    return removed;
  }

  /** Every stored hash (for tests and integrity checks). */
  list(): string[] {
    return readdirSync(this.files).flatMap((dir) => readdirSync(join(this.files, dir)));
  }
}
