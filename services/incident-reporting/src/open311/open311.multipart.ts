import type { Request } from 'express';
import busboy from 'busboy';
import { PhotoErrors } from '../photo/photo.errors';
import { Open311Errors } from './open311.errors';

export const isMultipart = (req: Request): boolean => /^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '');

/**
 * A multipart/form-data POST as Open311 clients send a photo with a request: every text part is a
 * parameter, every file part (conventionally `media`) a photo. The bytes decide what a file is, as
 * on POST /photos; a file over the photo limit, too many files or a cut-off field is refused whole.
 */
export function readMultipart(
  req: Request,
  limits: { maxFileBytes: number; maxFiles: number },
): Promise<{ fields: [string, string][]; files: Buffer[] }> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { fileSize: limits.maxFileBytes, files: limits.maxFiles, fields: 200, fieldSize: 64 * 1024, parts: 300 },
      });
    } catch {
      reject(Open311Errors.multipart('the Content-Type carries no boundary'));
      return;
    }
    const fields: [string, string][] = [];
    const files: Buffer[] = [];
    let failure: Error | undefined;
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) failure ??= Open311Errors.tooLong(name, 64 * 1024);
      fields.push([name, value]);
    });
    parser.on('file', (_name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => (failure ??= PhotoErrors.tooLarge(limits.maxFileBytes)));
      stream.on('close', () => {
        const bytes = Buffer.concat(chunks);
        // A form's file input left empty still sends an empty part.
        if (!stream.truncated && bytes.length > 0) files.push(bytes);
      });
    });
    parser.on('filesLimit', () => (failure ??= Open311Errors.multipart(`at most ${limits.maxFiles} photos may come with one request`)));
    parser.on('fieldsLimit', () => (failure ??= Open311Errors.multipart('too many fields')));
    parser.on('partsLimit', () => (failure ??= Open311Errors.multipart('too many parts')));
    parser.on('error', (error: Error) => reject(Open311Errors.multipart(error.message.replace(/\.$/, '').toLowerCase())));
    parser.on('close', () => (failure ? reject(failure) : resolve({ fields, files })));
    req.pipe(parser);
  });
}
