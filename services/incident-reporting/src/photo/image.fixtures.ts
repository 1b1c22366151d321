import { deflateSync } from 'node:zlib';
import sharp from 'sharp';

// Small, well-formed pictures made in code for tests (unit and through the gateway).

const segment = (marker: number, payload: Buffer): Buffer => {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
};

/** A JPEG skeleton (JFIF, a quantisation table, scan data); with `gps`, an EXIF block naming a place. */
export function tinyJpeg({ gps, fill = 0 }: { gps: boolean; fill?: number }): Buffer {
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
    ...(gps ? [segment(0xe1, Buffer.from('Exif\0\0MM\0*GPS-36.19N-117.12E', 'latin1'))] : []),
    segment(0xdb, Buffer.alloc(65, 1)),
    segment(0xda, Buffer.from([1, 1, 0, 0, 63, 0])),
    Buffer.alloc(32 + fill, 0x55),
    Buffer.from([0xff, 0xd9]),
  ]);
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf: Buffer): number => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type: string, data: Buffer): Buffer => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
};

/** A 1×1 grey PNG; with `text`, a tEXt chunk holding a place. */
export function tinyPng({ text }: { text: boolean }): Buffer {
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(text ? [chunk('tEXt', Buffer.from('Location\0Daiyue 36.19N', 'latin1'))] : []),
    chunk('IDAT', deflateSync(Buffer.from([0, 0x80]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A WebP container with VP8X flags and, with `exif`, an EXIF chunk. */
export function tinyWebp({ exif }: { exif: boolean }): Buffer {
  const riffChunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32LE(data.length, 4);
    return Buffer.concat([head, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  const vp8x = Buffer.alloc(10);
  vp8x[0] = exif ? 0x08 : 0;
  const body = Buffer.concat([
    riffChunk('VP8X', vp8x),
    riffChunk('VP8L', Buffer.from([0x2f, 0, 0, 0, 0])),
    ...(exif ? [riffChunk('EXIF', Buffer.from('MM\0*GPS'))] : []),
  ]);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(body.length + 4, 4);
  header.write('WEBP', 8, 'latin1');
  return Buffer.concat([header, body]);
}

/**
 * An EXIF APP1 segment as a phone writes it (big-endian TIFF): IFD0 with the orientation and,
 * with `gps`, a GPS IFD holding latitude 36°11'N (Daiyue).
 */
export function exifSegment({ orientation, gps }: { orientation: number; gps: boolean }): Buffer {
  const entries = gps ? 2 : 1;
  const ifd0 = 8;
  const gpsIfd = ifd0 + 2 + entries * 12 + 4;
  const rationals = gpsIfd + 2 + 2 * 12 + 4;
  const tiff = Buffer.alloc(gps ? rationals + 24 : gpsIfd);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(ifd0, 4);
  tiff.writeUInt16BE(entries, ifd0);
  const entry = (at: number, tag: number, type: number, count: number, value: (b: Buffer, at: number) => void) => {
    tiff.writeUInt16BE(tag, at);
    tiff.writeUInt16BE(type, at + 2);
    tiff.writeUInt32BE(count, at + 4);
    value(tiff, at + 8);
  };
  entry(ifd0 + 2, 0x0112, 3, 1, (b, at) => b.writeUInt16BE(orientation, at));
  if (gps) {
    entry(ifd0 + 14, 0x8825, 4, 1, (b, at) => b.writeUInt32BE(gpsIfd, at));
    tiff.writeUInt16BE(2, gpsIfd);
    entry(gpsIfd + 2, 0x0001, 2, 2, (b, at) => b.write('N\0', at, 'latin1'));
    entry(gpsIfd + 14, 0x0002, 5, 3, (b, at) => b.writeUInt32BE(rationals, at));
    [36, 1, 11, 1, 27, 1].forEach((v, i) => tiff.writeUInt32BE(v, rationals + i * 4));
  }
  return segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]));
}

/**
 * A real, decodable JPEG (red left half, blue right half) of `width` × `height` stored pixels, with
 * an EXIF orientation and, with `gps`, a position: what a phone held sideways sends.
 */
export async function phoneJpeg({
  width,
  height,
  orientation,
  gps,
}: {
  width: number;
  height: number;
  orientation: number;
  gps: boolean;
}): Promise<Buffer> {
  const half = Math.floor(width / 2);
  const jpeg = await sharp({ create: { width, height, channels: 3, background: { r: 0, g: 0, b: 255 } } })
    .composite([{ input: { create: { width: half, height, channels: 3, background: { r: 255, g: 0, b: 0 } } }, left: 0, top: 0 }])
    .jpeg({ quality: 95 })
    .toBuffer();
  return Buffer.concat([jpeg.subarray(0, 2), exifSegment({ orientation, gps }), jpeg.subarray(2)]);
}
