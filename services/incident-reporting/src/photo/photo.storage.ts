import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Where photo bytes live, addressed by their SHA-256 (hex): the same picture is stored once. */
export interface PhotoStorage {
  put(sha256: string, bytes: Buffer): Promise<void>;
  get(sha256: string): Promise<Buffer | null>;
}

export const PHOTO_STORAGE = Symbol('incident:photo-storage');

const HEX64 = /^[0-9a-f]{64}$/;

/** The default: files under one directory, fanned out by the first two hex digits. */
export class LocalDiskPhotoStorage implements PhotoStorage {
  private readonly root: string;

  constructor(dir: string) {
    this.root = resolve(dir);
  }

  private pathOf(sha256: string): string {
    if (!HEX64.test(sha256)) throw new Error('not a SHA-256');
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  async put(sha256: string, bytes: Buffer): Promise<void> {
    const path = this.pathOf(sha256);
    if (
      await stat(path).then(
        () => true,
        () => false,
      )
    )
      return;
    await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true });
    // Write then rename: a reader never sees half a file, and two writers of one hash agree.
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  }

  async get(sha256: string): Promise<Buffer | null> {
    try {
      return await readFile(this.pathOf(sha256));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }
}
