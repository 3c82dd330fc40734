/**
 * The server's own limits, with small settings: idle connections beyond the limit are refused and
 * cut after their idle time, a slow body is cut, and other clients keep being served meanwhile.
 */
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { expect } from 'chai';
import request from 'supertest';
import { readSettings } from '../../src/config.js';
import { Generator } from '../../src/generator.js';
import { createApp } from '../../src/server/app.js';
import { listen } from '../../src/server/listen.js';

/** A raw TCP client that reads what it is sent and records when the server closes it. */
function rawClient(port: number): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (d) => (text += d.toString()));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    socket.once('connect', () => resolve({ socket, received: () => text, closed }));
    socket.once('error', reject);
  });
}

describe('server limits', function () {
  this.timeout(30_000);
  const generator = new Generator();
  let server: Server;
  let port: number;

  before(async () => {
    const settings = readSettings({ HOST: '127.0.0.1', PORT: '1', MAX_CONNECTIONS: '5', HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '1500', IDLE_TIMEOUT_MS: '2000' });
    server = await listen(createApp(generator), { ...settings.server, port: 0 });
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await generator.close();
  });

  it('listens on 127.0.0.1 by default', () => {
    expect(readSettings({}).server.host).to.equal('127.0.0.1');
    expect(readSettings({ HOST: '0.0.0.0' }).server.host).to.equal('0.0.0.0');
    expect(() => readSettings({ MAX_CONNECTIONS: 'beaucoup' })).to.throw('MAX_CONNECTIONS');
  });

  it('closes connections beyond the limit at once, cuts idle ones, then serves again', async () => {
    const idle = await Promise.all(Array.from({ length: 5 }, () => rawClient(port)));
    const extra = await rawClient(port);
    await extra.closed; // refused: the limit is reached
    await Promise.all(idle.map((c) => c.closed)); // cut after their idle time
    const res = await request(`http://127.0.0.1:${port}`).get('/health').expect(200);
    expect(res.body.status).to.equal('ok');
  });

  it('cuts a client that sends its body too slowly, while others are served', async () => {
    const slow = await rawClient(port);
    slow.socket.write('POST /api/v1/echeances HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"dateSign');
    const others = await request(`http://127.0.0.1:${port}`).get('/health');
    expect(others.status).to.equal(200);
    await slow.closed;
    expect(slow.received()).to.match(/^HTTP\/1\.1 408 /);
  });
});
