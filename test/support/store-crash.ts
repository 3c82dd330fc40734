/**
 * Run by test/store/store.test.ts in a process of its own: saves a document in the PostgreSQL store
 * at argv[2] for the organisation argv[3], and kills itself (SIGKILL, nothing flushed, no rollback
 * sent) once the file's bytes are written inside the transaction and before its row is.
 */
import { writeSync } from 'node:fs';
import { openStore } from '../../src/store/index.js';

const [url, organisationId] = process.argv.slice(2);
const store = await openStore('postgres', {
  dataDir: '/nonexistent',
  url,
  faults: {
    afterFilesWritten: () => {
      writeSync(1, 'bytes sent\n');
      process.kill(process.pid, 'SIGKILL');
    },
  },
});
await store.saveDocument(
  {
    kind: 'convention',
    mode: 'final',
    proprietaireId: organisationId!,
    dossierId: null,
    modele: 'templates/convention/convention.docx',
    versionModele: 'abc',
    dateGeneration: '2026-12-01T10:00:00.000Z',
    donnees: {},
    cleId: null,
    ecarts: [],
  },
  [{ format: 'pdf', contentType: 'application/pdf', fileName: 'c.pdf', bytes: Buffer.from('lost') }],
);
process.stdout.write('saved: the crash did not happen\n');
