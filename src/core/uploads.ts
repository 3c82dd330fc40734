/** An uploaded file as the core sees it, whatever the HTTP library that received it. */
export interface UploadedFile {
  /** Name of the form field that carried it. */
  fieldname: string;
  /** File name given by the client (shown in messages, never used as a path). */
  originalname: string;
  mimetype: string;
  buffer: Buffer;
}
