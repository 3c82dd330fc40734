/** Helpers of the HTTP tests. */
import type request from 'supertest';

/** A supertest parser that keeps a binary body (PDF, DOCX, ZIP) as one Buffer. */
export function binary(res: request.Response, done: (err: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}
