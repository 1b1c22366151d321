import type { RequestHandler } from 'express';
import { sendGraphqlError } from '@civgrid/service-kit/edge';

export interface BucketRule {
  /** Requests refilled per minute. */
  perMinute: number;
  /** How many may come at once. */
  burst: number;
}

/**
 * Token buckets in this process's memory, one per key. With several gateway replicas each keeps its
 * own buckets, so a client spread over N replicas may get up to N × the limit (see the README).
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly rule: BucketRule,
    private readonly maxKeys = 100_000,
  ) {}

  /** Takes one token; the seconds to wait when there is none. */
  take(key: string, now: number = Date.now()): { ok: true } | { ok: false; retryAfterS: number } {
    const perMs = this.rule.perMinute / 60_000;
    const b = this.buckets.get(key);
    const tokens = b ? Math.min(this.rule.burst, b.tokens + (now - b.at) * perMs) : this.rule.burst;
    if (tokens >= 1) {
      if (!b && this.buckets.size >= this.maxKeys) this.sweep(now);
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      return { ok: true };
    }
    this.buckets.set(key, { tokens, at: now });
    return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) };
  }

  // Full buckets carry no information: drop them; if every bucket is busy, drop the oldest half.
  private sweep(now: number): void {
    const perMs = this.rule.perMinute / 60_000;
    for (const [k, b] of this.buckets) if (b.tokens + (now - b.at) * perMs >= this.rule.burst) this.buckets.delete(k);
    if (this.buckets.size >= this.maxKeys) {
      let n = Math.floor(this.maxKeys / 2);
      for (const k of this.buckets.keys()) {
        if (n-- <= 0) break;
        this.buckets.delete(k);
      }
    }
  }
}

export interface RateLimitOptions {
  principal: BucketRule;
  address: BucketRule;
  /** The verified caller of a request, when its token is valid (undefined otherwise). */
  subjectOf: (req: Parameters<RequestHandler>[0]) => Promise<string | undefined>;
}

/**
 * Rate limits: per principal (the token's subject) for a valid token, per client address for
 * anything else. Refusal: HTTP 429, Retry-After, GraphQL code RATE_LIMITED.
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  const principals = new TokenBuckets(options.principal);
  const addresses = new TokenBuckets(options.address);
  return (req, res, next) => {
    options.subjectOf(req).then(
      (subject) => {
        const taken = subject ? principals.take(`sub:${subject}`) : addresses.take(`ip:${req.ip ?? req.socket.remoteAddress ?? '?'}`);
        if (taken.ok) return next();
        sendGraphqlError(
          res,
          429,
          'RATE_LIMITED',
          `Too many requests ${subject ? 'for this user' : 'from this address'}; try again in ${taken.retryAfterS} s.`,
          { retryAfter: taken.retryAfterS },
          { 'retry-after': String(taken.retryAfterS) },
        );
      },
      (error: unknown) => next(error),
    );
  };
}
