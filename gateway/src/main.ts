// First: tracing (when OTEL_* asks for it) must hook http, express and graphql before they load.
import '@civgrid/telemetry/register';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import pino from 'pino';
import { gatewayConfigSchema } from './config';
import { stopTracing } from '@civgrid/telemetry';
import { createGateway } from './gateway';

async function main(): Promise<void> {
  // A `.env` in the working folder fills in what the environment does not set.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const parsed = gatewayConfigSchema.safeParse(process.env);
  if (!parsed.success) {
    process.stderr.write(
      `gateway: the configuration is not valid:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')} ${i.message}`).join('\n')}\n`,
    );
    process.exit(1);
  }
  const config = parsed.data;
  const logger = pino({ name: 'gateway', level: config.LOG_LEVEL, redact: ['req.headers.authorization', 'variables'] });
  const started = Date.now();
  const { app, stop } = await createGateway(config, logger);
  const server = createServer(app);
  server.requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS;
  server.headersTimeout = Math.min(config.HTTP_REQUEST_TIMEOUT_MS, 20_000);
  server.listen(config.PORT, process.env['HOST'] ?? '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    process.stdout.write(`gateway listening on http://127.0.0.1:${port}/graphql (ready in ${Date.now() - started} ms)\n`);
  });
  const shutdown = (): void => {
    server.close();
    void stop()
      .then(() => stopTracing())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

void main();
