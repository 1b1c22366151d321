import sharp from 'sharp';

export type ImageType = 'image/jpeg' | 'image/png' | 'image/webp';

/** The type the bytes say they are, whatever the file name or Content-Type claim. */
export function sniffImageType(bytes: Buffer): ImageType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'image/png';
  if (bytes.length >= 16 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

export class MalformedImageError extends Error {}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * The same picture without metadata that may carry where and when it was taken (EXIF with GPS, XMP,
 * IPTC, text chunks). Pixels are untouched; the result is what gets hashed and stored.
 */
export function stripMetadata(type: ImageType, bytes: Buffer): Buffer {
  switch (type) {
    case 'image/jpeg':
      return stripJpeg(bytes);
    case 'image/png':
      return stripPng(bytes);
    case 'image/webp':
      return stripWebp(bytes);
  }
}

// APP1 (EXIF, XMP), APP12 (Ducky/Picture Info), APP13 (IPTC/Photoshop) and comments go; APP0 (JFIF),
// APP2 (ICC colour) and APP14 (Adobe colour transform) stay, as decoders need them.
const JPEG_DROP = new Set([0xe1, 0xec, 0xed, 0xfe]);

function stripJpeg(bytes: Buffer): Buffer {
  const out: Buffer[] = [bytes.subarray(0, 2)];
  let i = 2;
  while (i < bytes.length) {
    if (bytes[i] !== 0xff) throw new MalformedImageError('JPEG segment without a marker');
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    // End of the primary image: what follows (the secondary images of MPF, a phone's depth map or
    // preview, each with EXIF and GPS of its own, or anything appended) is dropped.
    if (marker === 0xd9) {
      out.push(bytes.subarray(i, i + 2));
      return Buffer.concat(out);
    }
    if (i + 4 > bytes.length) throw new MalformedImageError('JPEG segment cut short');
    const length = bytes.readUInt16BE(i + 2);
    const end = i + 2 + length;
    if (length < 2 || end > bytes.length) throw new MalformedImageError('JPEG segment length out of range');
    if (!JPEG_DROP.has(marker)) out.push(bytes.subarray(i, end));
    i = end;
    // Start of scan: entropy-coded data follows up to the next marker (0xFF then neither a stuffed
    // 0x00 nor a restart marker). A progressive image has several scans with tables between them.
    if (marker === 0xda) {
      const from = i;
      while (i < bytes.length && !(bytes[i] === 0xff && i + 1 < bytes.length && isSegmentMarker(bytes[i + 1]))) i++;
      if (i >= bytes.length) throw new MalformedImageError('JPEG scan without an end');
      out.push(bytes.subarray(from, i));
    }
  }
  throw new MalformedImageError('JPEG without an end of image');
}

/** After 0xFF inside scan data: 0x00 is a stuffed byte, 0xD0–0xD7 a restart, 0xFF fill; anything else ends the scan. */
const isSegmentMarker = (b: number): boolean => b !== 0x00 && b !== 0xff && !(b >= 0xd0 && b <= 0xd7);

const PNG_DROP = new Set(['eXIf', 'tEXt', 'zTXt', 'iTXt', 'tIME']);

function stripPng(bytes: Buffer): Buffer {
  const out: Buffer[] = [PNG_SIGNATURE];
  let i = 8;
  while (i < bytes.length) {
    if (i + 12 > bytes.length) throw new MalformedImageError('PNG chunk cut short');
    const length = bytes.readUInt32BE(i);
    const type = bytes.toString('latin1', i + 4, i + 8);
    const end = i + 12 + length;
    if (end > bytes.length) throw new MalformedImageError('PNG chunk length out of range');
    if (!PNG_DROP.has(type)) out.push(bytes.subarray(i, end));
    i = end;
    if (type === 'IEND') return Buffer.concat(out);
  }
  throw new MalformedImageError('PNG without IEND');
}

function stripWebp(bytes: Buffer): Buffer {
  const chunks: Buffer[] = [];
  let i = 12;
  while (i + 8 <= bytes.length) {
    const type = bytes.toString('latin1', i, i + 4);
    const length = bytes.readUInt32LE(i + 4);
    const end = i + 8 + length + (length % 2);
    if (end > bytes.length) throw new MalformedImageError('WebP chunk length out of range');
    if (type === 'VP8X') {
      const chunk = Buffer.from(bytes.subarray(i, end));
      chunk[8] &= ~0x0c; // the EXIF and XMP flags: those chunks are gone
      chunks.push(chunk);
    } else if (type !== 'EXIF' && type !== 'XMP ') {
      chunks.push(bytes.subarray(i, end));
    }
    i = end;
  }
  if (i !== bytes.length) throw new MalformedImageError('WebP with trailing bytes');
  const body = Buffer.concat(chunks);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(body.length + 4, 4);
  header.write('WEBP', 8, 'latin1');
  return Buffer.concat([header, body]);
}

/**
 * The EXIF orientation (1–8) a picture asks its viewer to apply, or 1 when it asks for none. Read
 * before the metadata is stripped: without the tag a sideways phone photo would show sideways.
 */
export function exifOrientation(type: ImageType, bytes: Buffer): number {
  const tiff = exifBlock(type, bytes);
  return tiff ? (tiffOrientation(tiff) ?? 1) : 1;
}

function exifBlock(type: ImageType, bytes: Buffer): Buffer | undefined {
  switch (type) {
    case 'image/jpeg': {
      let i = 2;
      while (i + 4 <= bytes.length && bytes[i] === 0xff) {
        const marker = bytes[i + 1];
        if (marker === 0xda || marker === 0xd9) return undefined;
        const end = i + 2 + bytes.readUInt16BE(i + 2);
        if (marker === 0xe1 && bytes.toString('latin1', i + 4, i + 10) === 'Exif\0\0') return bytes.subarray(i + 10, end);
        i = end;
      }
      return undefined;
    }
    case 'image/png': {
      let i = 8;
      while (i + 12 <= bytes.length) {
        const length = bytes.readUInt32BE(i);
        if (bytes.toString('latin1', i + 4, i + 8) === 'eXIf') return bytes.subarray(i + 8, i + 8 + length);
        i += 12 + length;
      }
      return undefined;
    }
    case 'image/webp': {
      let i = 12;
      while (i + 8 <= bytes.length) {
        const length = bytes.readUInt32LE(i + 4);
        if (bytes.toString('latin1', i, i + 4) === 'EXIF') {
          const block = bytes.subarray(i + 8, i + 8 + length);
          // Some writers keep JPEG's "Exif\0\0" before the TIFF header.
          return block.toString('latin1', 0, 6) === 'Exif\0\0' ? block.subarray(6) : block;
        }
        i += 8 + length + (length % 2);
      }
      return undefined;
    }
  }
}

/** Tag 0x0112 of IFD0 in a TIFF block, or undefined when the block is not one or has no such tag. */
function tiffOrientation(tiff: Buffer): number | undefined {
  if (tiff.length < 8) return undefined;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return undefined;
  const u16 = (at: number) => (order === 'II' ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (order === 'II' ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  if (u16(2) !== 42) return undefined;
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return undefined;
  const entries = u16(ifd);
  for (let n = 0; n < entries; n++) {
    const at = ifd + 2 + n * 12;
    if (at + 12 > tiff.length) return undefined;
    if (u16(at) === 0x0112 && u16(at + 2) === 3) {
      const value = u16(at + 8);
      return value >= 1 && value <= 8 ? value : undefined;
    }
  }
  return undefined;
}

/**
 * The picture turned the way its EXIF orientation says, in its own format and without metadata:
 * the pixels are rotated (or mirrored) so that it shows upright once the tag is gone. Pictures that
 * need no turn are returned as they are (their bytes stay untouched).
 */
export async function uprightPixels(type: ImageType, bytes: Buffer): Promise<Buffer> {
  if (exifOrientation(type, bytes) === 1) return bytes;
  try {
    // autoOrient reads the tag and turns the pixels; sharp writes no metadata unless asked to.
    const turned = sharp(bytes, { failOn: 'error' }).autoOrient();
    switch (type) {
      case 'image/jpeg':
        return await turned.jpeg({ quality: 90, chromaSubsampling: '4:4:4' }).toBuffer();
      case 'image/png':
        return await turned.png().toBuffer();
      case 'image/webp':
        return await turned.webp({ quality: 90 }).toBuffer();
    }
  } catch {
    throw new MalformedImageError('the picture could not be decoded to turn it upright');
  }
}
