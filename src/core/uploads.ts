/**
 * An uploaded file as the core sees it, whatever the HTTP library that received it: the edge
 * (server/input.ts) builds it, kinds and readers of spreadsheets only ever see this shape.
 */
export interface UploadedFile {
  /** Name of the form field that carried it (named in messages about the file). */
  field: string;
  /** File name given by the client (shown in messages, never used as a path). */
  name: string;
  /** Media type announced by the client (a hint: the content decides). */
  mediaType: string;
  bytes: Buffer;
}
