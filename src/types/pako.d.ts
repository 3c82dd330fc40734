/** What the project uses of pako 2 (raw DEFLATE, package.ts), which ships no types of its own. */
declare module 'pako' {
  interface DeflateOptions {
    level?: -1 | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
  }
  function deflateRaw(data: Uint8Array, options?: DeflateOptions): Uint8Array;
  function inflateRaw(data: Uint8Array): Uint8Array;
  const pako: { deflateRaw: typeof deflateRaw; inflateRaw: typeof inflateRaw };
  export { deflateRaw, inflateRaw, type DeflateOptions };
  export default pako;
}
