import { All, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { assertMayUse, RULES, TokenVerifier } from '@civgrid/auth';
import { HttpErrorFilter } from '../http/http-auth';
import { PhotoErrors } from './photo.errors';
import { PhotoService, PhotoView } from './photo.service';

/**
 * Photos travel out of band, never as GraphQL multipart through the gateway: `POST /photos` with
 * the image bytes as the body (any Content-Type; the bytes decide) and the same bearer token.
 */
@Controller('photos')
@UseFilters(HttpErrorFilter)
export class PhotoController {
  constructor(
    private readonly photos: PhotoService,
    private readonly verifier: TokenVerifier,
  ) {}

  @Post()
  @HttpCode(201)
  async upload(@Req() req: Request): Promise<PhotoView> {
    const principal = await this.verifier.verifyHeader(req.headers.authorization);
    assertMayUse(principal, RULES.incident.report);
    const bytes = await readBody(req, this.photos.maxBytes);
    return this.photos.upload(principal, bytes);
  }

  /** A signed link (from Incident.photos) opens the picture without a header, as an <img> needs. */
  @Get(':id')
  async view(
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => PhotoErrors.malformedId() })) id: string,
    @Query('expires') expires: string | undefined,
    @Query('signature') signature: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const photo = await this.photos.open(id, expires, signature);
    res.setHeader('Content-Type', photo.contentType);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, max-age=3600, immutable');
    res.setHeader('ETag', `"${photo.sha256}"`);
    res.end(photo.bytes);
  }

  /** Any other method or path under /photos: a clear error in this endpoint's format, not the framework's page. */
  @All()
  root(@Req() req: Request): never {
    throw PhotoErrors.noSuchEndpoint(req.method, req.path);
  }

  @All('*path')
  other(@Req() req: Request): never {
    throw PhotoErrors.noSuchEndpoint(req.method, req.path);
  }
}

/**
 * The body, up to `max` bytes. A larger body is read to its end and thrown away, so the client
 * gets its 413 rather than a broken connection; a declared Content-Length over the limit is
 * refused without reading it.
 */
function readBody(req: Request, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  return new Promise((resolve, reject) => {
    // A JSON or form body was already consumed by a body parser: it held no picture.
    if (req.readableEnded) return resolve(Buffer.alloc(0));
    if (Number.isFinite(declared) && declared > max) {
      req.resume();
      req.once('end', () => reject(PhotoErrors.tooLarge(max)));
      req.once('error', reject);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    });
    req.once('end', () => (size > max ? reject(PhotoErrors.tooLarge(max)) : resolve(Buffer.concat(chunks))));
    req.once('error', reject);
  });
}
