import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileArea, sha256 } from '../../src/store/files.js';

describe('archive files on disk (embedded store)', () => {
  let dir: string;
  let area: FileArea;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'files-'));
    area = new FileArea(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the bytes once under their hash, with no temporary file left', async () => {
    const bytes = Buffer.from('convention signée');
    const first = await area.put(bytes);
    const again = await area.put(bytes);
    expect(first).to.include({ hash: sha256(bytes), created: true });
    expect(again).to.include({ hash: sha256(bytes), created: false });
    expect((await area.read(first.hash)).equals(bytes)).to.equal(true);
    expect(readdirSync(join(dir, 'tmp'))).to.deep.equal([]);
    first.release();
    again.release();
  });

  it('keeps a file while another write citing it is under way, whoever rolls back', async () => {
    const bytes = Buffer.from('même contenu');
    const [a, b] = await Promise.all([area.put(bytes), area.put(bytes)]);
    const path = area.pathOf(a!.hash);
    // The first writer gives up (its row failed) while the second has not written its row yet.
    a!.release();
    area.remove(a!.hash);
    expect(existsSync(path), 'held by the second write').to.equal(true);
    // Releasing twice does not end another writer's hold.
    a!.release();
    area.remove(a!.hash);
    expect(existsSync(path)).to.equal(true);
    b!.release();
    area.remove(b!.hash);
    expect(existsSync(path)).to.equal(false);
  });
});
