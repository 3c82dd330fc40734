/**
 * A zip archive (XLSX, DOCX…) checked before any library inflates it: the central directory first
 * (number of entries, declared sizes, compression ratio), then every entry inflated as a stream and
 * counted, so that an archive whose directory lies is stopped as soon as its real size passes the
 * limit. Nothing is kept in memory but the counters. What the archive holds is not read here.
 */
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { InvalidInputError, PayloadTooLargeError } from './errors.js';
import { formatSize } from './french.js';

export interface ZipLimits {
  /** Largest total size of the entries once inflated, in bytes. */
  inflatedBytes: number;
  /** Most entries. */
  zipEntries: number;
  /** Largest ratio of an entry's inflated size to its compressed size (entries over 1 MiB). */
  compressionRatio: number;
}

/** Where the ratio starts to count: small files of repeated characters compress very well. */
const RATIO_FLOOR_BYTES = 1024 * 1024;

function tooLarge(path: string, label: string, reason: string): PayloadTooLargeError {
  return new PayloadTooLargeError('Le fichier envoyé est trop volumineux une fois décompressé.', [
    { path, type: 'file.inflatedTooLarge', message: `${label} est refusé : ${reason}.` },
  ]);
}

function unreadable(path: string, label: string): InvalidInputError {
  return new InvalidInputError('Le fichier envoyé n’est pas une archive lisible.', [
    { path, type: 'file.unreadable', message: `${label} n’est pas un classeur lisible (archive ZIP endommagée ou d’un autre type).` },
  ]);
}

const open = (buffer: Buffer) =>
  new Promise<ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(buffer, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (error, zip) => (error ? reject(error) : resolve(zip))),
  );

/**
 * Throws a 413 (PayloadTooLargeError) naming the file and the limit when the archive would inflate
 * beyond the limits, or a 400 when it is not a readable zip. `path` is the form field, `label` the
 * French name of the file ("Le fichier « suivi.xlsx »").
 */
export async function checkZip(buffer: Buffer, limits: ZipLimits, path: string, label: string): Promise<void> {
  let zip: ZipFile;
  try {
    zip = await open(buffer);
  } catch {
    throw unreadable(path, label);
  }
  const close = () => {
    if (zip.isOpen) zip.close();
  };
  if (zip.entryCount > limits.zipEntries) {
    close();
    throw tooLarge(path, label, `il contient ${zip.entryCount} fichiers, au-delà des ${limits.zipEntries} acceptés`);
  }
  let declared = 0;
  let inflated = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: Entry) => {
        declared += entry.uncompressedSize;
        if (declared > limits.inflatedBytes) {
          return reject(tooLarge(path, label, `il dépasserait ${formatSize(limits.inflatedBytes)} une fois décompressé`));
        }
        const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
        if (entry.uncompressedSize > RATIO_FLOOR_BYTES && ratio > limits.compressionRatio) {
          return reject(tooLarge(path, label, `un de ses fichiers est compressé ${Math.round(ratio)} fois, au-delà du rapport de ${limits.compressionRatio} accepté`));
        }
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (error, stream) => {
          if (error) return reject(error);
          // yauzl stops the stream when an entry inflates beyond its declared size; the running
          // total stops an archive whose entries are each within their size but not together.
          stream.on('data', (chunk: Buffer) => {
            inflated += chunk.length;
            if (inflated > limits.inflatedBytes) {
              stream.destroy();
              reject(tooLarge(path, label, `il dépasse ${formatSize(limits.inflatedBytes)} une fois décompressé`));
            }
          });
          stream.on('error', (streamError) => reject(streamError));
          stream.on('end', () => zip.readEntry());
        });
      });
      zip.readEntry();
    });
  } catch (error) {
    if (error instanceof PayloadTooLargeError) throw error;
    // yauzl's own words (an entry longer than declared, a bad header…) stay in the log of the worker.
    if (/too many bytes|exceeds|uncompressedSize/i.test(String((error as Error).message))) {
      throw tooLarge(path, label, 'un de ses fichiers est plus grand, une fois décompressé, que ce que l’archive déclare');
    }
    throw unreadable(path, label);
  } finally {
    close();
  }
}
