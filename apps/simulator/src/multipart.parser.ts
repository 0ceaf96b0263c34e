import busboy from 'busboy';

/** One uploaded file, held in memory (uploads are bounded by the body limit). */
export interface MultipartFile {
  name: string;
  filename: string;
  mime: string;
  data: Buffer;
}

/** A parsed multipart/form-data body. Repeated field names keep the last value. */
export interface MultipartForm {
  fields: Record<string, string>;
  files: MultipartFile[];
}

/** Parses an already-read multipart body. */
export function parseMultipart(contentType: string, body: Buffer): Promise<MultipartForm> {
  return new Promise((resolve, reject) => {
    const form: MultipartForm = { fields: {}, files: [] };
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: { 'content-type': contentType }, limits: { fileSize: Infinity } });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    parser.on('field', (name, value) => {
      form.fields[name] = value;
    });
    parser.on('file', (name, stream, meta) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        form.files.push({
          name,
          filename: meta.filename ?? '',
          mime: meta.mimeType,
          data: Buffer.concat(chunks),
        });
      });
    });
    parser.on('close', () => resolve(form));
    parser.on('error', (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))));
    parser.end(body);
  });
}

/** The record-friendly summary: file contents replaced by their size. */
export function summarizeForm(form: MultipartForm): unknown {
  return {
    fields: form.fields,
    files: form.files.map((f) => ({
      name: f.name,
      filename: f.filename,
      bytes: f.data.length,
      mime: f.mime,
    })),
  };
}
