import { once } from 'node:events';
import { Readable, Transform, TransformCallback } from 'node:stream';
import { Controller, HttpCode, Post, Query, Req, UseFilters } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { isUUID } from 'class-validator';
import { assertMayUse, RULES, TokenVerifier } from '@civgrid/auth';
import { HttpErrorFilter } from '../http/http-error.filter';
import { LedgerErrors } from './ledger.errors';
import { LedgerService } from './ledger.service';
import { LedgerImportReportType } from './dto/ledger.type';

/** Passes bytes through and fails the stream once more than `max` went by. */
class ByteLimit extends Transform {
  private seen = 0;

  constructor(private readonly max: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.max) done(LedgerErrors.tooLarge(this.max));
    else done(null, chunk);
  }
}

/**
 * A district's ledger does not fit a GraphQL request (1 MB of JSON): `POST /ledger-imports?gridId=…`
 * takes the CSV itself as a streamed `text/csv` body (up to LEDGER_MAX_BYTES) with the same bearer
 * token, and answers with the same report as the `importLedger` mutation, on the same code path.
 */
@Controller('ledger-imports')
@UseFilters(HttpErrorFilter)
export class LedgerController {
  constructor(
    private readonly ledgers: LedgerService,
    private readonly verifier: TokenVerifier,
  ) {}

  @Post()
  @HttpCode(200)
  async import(@Req() req: IncomingMessage, @Query('gridId') gridId: string | undefined): Promise<LedgerImportReportType> {
    try {
      const principal = await this.verifier.verifyHeader(req.headers.authorization);
      assertMayUse(principal, RULES.registry.write);
      if (typeof gridId !== 'string' || !isUUID(gridId)) throw LedgerErrors.gridIdInvalid();
      if (!/^text\/csv\s*(;|$)/i.test(req.headers['content-type'] ?? '')) throw LedgerErrors.notCsv();
      const max = this.ledgers.maxBytes;
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > max) throw LedgerErrors.tooLarge(max);
      const body: Readable = req.pipe(new ByteLimit(max));
      req.once('error', (error: Error) => body.destroy(error));
      return await this.ledgers.importStream(principal, gridId, body);
    } finally {
      // Refused before or while reading: read the rest and drop it, so the client gets its answer
      // rather than a connection reset in the middle of its upload.
      if (!req.readableEnded && !req.destroyed) {
        req.unpipe();
        req.resume();
        await once(req, 'end').catch(() => undefined);
      }
    }
  }
}
