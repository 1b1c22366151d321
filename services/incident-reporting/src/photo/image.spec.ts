import { MalformedImageError, sniffImageType, stripMetadata } from './image';
import { tinyJpeg, tinyPng, tinyWebp } from './image.fixtures';

describe('image sniffing and metadata stripping', () => {
  it('knows a picture by its bytes, not by what it claims to be', () => {
    expect(sniffImageType(tinyJpeg({ gps: true }))).toBe('image/jpeg');
    expect(sniffImageType(tinyPng({ text: true }))).toBe('image/png');
    expect(sniffImageType(tinyWebp({ exif: true }))).toBe('image/webp');
    expect(sniffImageType(Buffer.from('%PDF-1.7\n'))).toBeNull();
    expect(sniffImageType(Buffer.from('GIF89a'))).toBeNull();
    expect(sniffImageType(Buffer.alloc(0))).toBeNull();
  });

  it('drops EXIF (with its GPS position) from a JPEG and keeps the image data', () => {
    const original = tinyJpeg({ gps: true });
    const stripped = stripMetadata('image/jpeg', original);
    expect(original.includes('Exif')).toBe(true);
    expect(stripped.includes('Exif')).toBe(false);
    expect(stripped.includes('GPS-36.19N')).toBe(false);
    expect(stripped.equals(tinyJpeg({ gps: false }))).toBe(true);
  });

  it('drops text and eXIf chunks from a PNG', () => {
    const stripped = stripMetadata('image/png', tinyPng({ text: true }));
    expect(stripped.equals(tinyPng({ text: false }))).toBe(true);
  });

  it('drops EXIF from a WebP and fixes its header', () => {
    const stripped = stripMetadata('image/webp', tinyWebp({ exif: true }));
    expect(stripped.includes('EXIF')).toBe(false);
    expect(stripped.readUInt32LE(4)).toBe(stripped.length - 8);
    expect(stripped[20] & 0x08).toBe(0);
  });

  it('refuses a JPEG whose segments run past the end', () => {
    const broken = Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x40, 0x00, 0x01]);
    expect(() => stripMetadata('image/jpeg', broken)).toThrow(MalformedImageError);
  });
});
