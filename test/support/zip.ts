/**
 * A minimal zip writer for tests that need archives no honest library would write: entries whose
 * central directory declares a size other than their real one (zip bombs). Deflate only.
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';

export interface RawEntry {
  name: string;
  /** The raw-deflated bytes stored in the archive. */
  compressed: Buffer;
  /** What the headers say the entry inflates to (a lie, for a bomb). */
  declaredSize: number;
  crc?: number;
}

/** An entry of `content`, honestly declared. */
export function entry(name: string, content: Buffer | string): RawEntry {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return { name, compressed: deflateRawSync(bytes), declaredSize: bytes.length, crc: crc32(bytes) };
}

/**
 * `size` zero bytes (a multiple of 1 MiB), deflated without ever existing whole: one MiB deflated
 * with a sync flush (non-final blocks) repeated, then one MiB deflated as the final block.
 */
export function zeros(name: string, size: number, declaredSize = size): RawEntry {
  const mib = Buffer.alloc(1024 * 1024);
  const chunks = Math.max(1, Math.floor(size / mib.length));
  const open = deflateRawSync(mib, { finishFlush: constants.Z_SYNC_FLUSH });
  const compressed = Buffer.concat([...Array.from({ length: chunks - 1 }, () => open), deflateRawSync(mib)]);
  return { name, compressed, declaredSize };
}

/** Version needed, flags, method (deflate), time and date, CRC, sizes and name length, from `at`. */
function writeCommonFields(header: Buffer, at: number, e: RawEntry, nameLength: number): void {
  header.writeUInt16LE(20, at);
  header.writeUInt16LE(8, at + 4);
  header.writeUInt32LE(e.crc ?? 0, at + 10);
  header.writeUInt32LE(e.compressed.length, at + 14);
  header.writeUInt32LE(e.declaredSize, at + 18);
  header.writeUInt16LE(nameLength, at + 22);
}

/** The archive of `entries`. */
export function zip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    // The local header and the central directory entry share their fields, two bytes apart.
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    writeCommonFields(local, 4, e, name.length);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    writeCommonFields(central, 6, e, name.length);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.compressed);
    centrals.push(central, name);
    offset += local.length + name.length + e.compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
