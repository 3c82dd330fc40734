/**
 * Files of the archive on the local disk, addressed by their SHA-256 (DATA_DIR/fichiers/ab/abcdef…).
 * A file is written to a temporary name, flushed, then renamed into place: a crash leaves either
 * the whole file or a temporary one that the next start removes, never half a file under its name.
 * Reading checks the hash: a file altered on disk is never served as if it were the original.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** A stored file whose bytes no longer match their hash: a 500 for the client, a corruption alert in the log. */
export class CorruptionError extends Error {
  constructor(readonly sha256: string, readonly actual: string | null) {
    super(actual === null ? `Stored file ${sha256} is missing` : `Stored file ${sha256} has hash ${actual}`);
    this.name = 'CorruptionError';
  }
}

export const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** A file written (or found) by `FileArea.put`, held until released. */
export interface PutFile {
  hash: string;
  created: boolean;
  /** Ends the hold (once its row is written or given up); calling it again does nothing. */
  release(): void;
}

export class FileArea {
  private readonly files: string;
  private readonly tmp: string;
  /** Hashes being written or waiting for their row, with how many writers hold each. */
  private readonly held = new Map<string, number>();

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
   * Writes the bytes under their hash (once: the same bytes are the same file), off the event loop
   * (the writing and the flush to disk wait in libuv's thread pool, not in the requests' thread).
   * `created` says whether this call wrote it, so that a failed write of its row removes only what
   * it added. The file is held from the call until `release()`: while its row is being written,
   * another writer's rollback (`remove`) leaves it in place.
   */
  async put(bytes: Buffer): Promise<PutFile> {
    const hash = sha256(bytes);
    const target = this.pathOf(hash);
    // Held before anything is awaited: a rollback running meanwhile sees the hold.
    this.held.set(hash, (this.held.get(hash) ?? 0) + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const count = (this.held.get(hash) ?? 1) - 1;
      if (count > 0) this.held.set(hash, count);
      else this.held.delete(hash);
    };
    try {
      if (existsSync(target)) return { hash, created: false, release };
      const temporary = join(this.tmp, `${hash}.${randomBytes(6).toString('hex')}`);
      const file = await open(temporary, 'wx', 0o600);
      try {
        await file.writeFile(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
      // Into its subfolder (first two hex digits), created the first time it is missing.
      await rename(temporary, target).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        await mkdir(dirname(target), { recursive: true });
        await rename(temporary, target);
      });
      return { hash, created: true, release };
    } catch (error) {
      release();
      throw error;
    }
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

  /** Removes the file of a hash, unless a write citing it is under way (see `put`). */
  remove(hash: string): void {
    if (this.held.has(hash)) return;
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
