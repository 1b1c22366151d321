import sharp from 'sharp';
import { exifOrientation, MalformedImageError, sniffImageType, stripMetadata, uprightPixels } from '../src/photo/image';
import { exifSegment, phoneJpeg, tinyJpeg, tinyPng, tinyWebp } from './fixtures/images';

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

  it('keeps a JPEG only up to the end of its primary image, dropping a secondary image with its own EXIF and GPS', () => {
    const primary = tinyJpeg({ gps: false });
    // What a phone appends after the primary EOI: an MPF secondary image (a preview or depth map) with its own EXIF.
    const secondary = tinyJpeg({ gps: true });
    const stripped = stripMetadata('image/jpeg', Buffer.concat([tinyJpeg({ gps: true }), secondary, Buffer.from('trailing')]));
    expect(stripped.equals(primary)).toBe(true);
    expect(stripped.includes('Exif')).toBe(false);
    expect(stripped.includes('GPS-36.19N')).toBe(false);
  });

  it('keeps scan data with stuffed bytes and restart markers, and the tables between progressive scans', () => {
    const scan = Buffer.from([0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xff, 0xd7, 0x78]);
    const sos = Buffer.from([0xff, 0xda, 0x00, 0x08, 1, 1, 0, 0, 63, 0]);
    const dht = Buffer.from([0xff, 0xc4, 0x00, 0x04, 0x00, 0x00]);
    const comment = Buffer.from([0xff, 0xfe, 0x00, 0x05, 0x47, 0x50, 0x53]); // a COM segment between scans: dropped
    const soi = Buffer.from([0xff, 0xd8]);
    const eoi = Buffer.from([0xff, 0xd9]);
    const image = Buffer.concat([soi, sos, scan, dht, comment, sos, scan, eoi]);
    expect(stripMetadata('image/jpeg', image).equals(Buffer.concat([soi, sos, scan, dht, sos, scan, eoi]))).toBe(true);
  });

  it('refuses a JPEG whose scan never ends', () => {
    expect(() => stripMetadata('image/jpeg', tinyJpeg({ gps: false }).subarray(0, -2))).toThrow(MalformedImageError);
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

describe('orientation', () => {
  it('reads the EXIF orientation of a JPEG, and 1 where there is none', () => {
    const withTag = Buffer.concat([
      Buffer.from([0xff, 0xd8]),
      exifSegment({ orientation: 6, gps: true }),
      tinyJpeg({ gps: false }).subarray(2),
    ]);
    expect(exifOrientation('image/jpeg', withTag)).toBe(6);
    expect(exifOrientation('image/jpeg', tinyJpeg({ gps: false }))).toBe(1);
    // An EXIF block that is not TIFF (the fixture's GPS text) says nothing about orientation.
    expect(exifOrientation('image/jpeg', tinyJpeg({ gps: true }))).toBe(1);
  });

  it('turns the pixels of a sideways phone photo upright and drops its EXIF with the position', async () => {
    // Stored 40×20, red on the left; orientation 6 means "turn 90° clockwise to view".
    const raw = await phoneJpeg({ width: 40, height: 20, orientation: 6, gps: true });
    const upright = stripMetadata('image/jpeg', await uprightPixels('image/jpeg', raw));
    const meta = await sharp(upright).metadata();
    expect([meta.width, meta.height]).toEqual([20, 40]);
    expect(meta.exif).toBeUndefined();
    expect(exifOrientation('image/jpeg', upright)).toBe(1);
    expect(upright.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(false);
    // Turned clockwise, the red left half is now on top.
    const { data, info } = await sharp(upright).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [
      ...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3),
    ];
    expect(pixel(10, 5)[0]).toBeGreaterThan(200);
    expect(pixel(10, 35)[2]).toBeGreaterThan(200);
  });

  it('leaves the bytes of a picture that needs no turn as they are', async () => {
    const raw = await phoneJpeg({ width: 40, height: 20, orientation: 1, gps: false });
    expect((await uprightPixels('image/jpeg', raw)).equals(raw)).toBe(true);
  });

  it('refuses a picture that asks to be turned but cannot be decoded', async () => {
    const broken = Buffer.concat([
      Buffer.from([0xff, 0xd8]),
      exifSegment({ orientation: 8, gps: false }),
      tinyJpeg({ gps: false }).subarray(2),
    ]);
    await expect(uprightPixels('image/jpeg', broken)).rejects.toThrow(MalformedImageError);
  });
});
