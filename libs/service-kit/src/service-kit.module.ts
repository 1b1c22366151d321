import { DynamicModule, Global, Module, ValidationPipe } from '@nestjs/common';
import { APP_GUARD, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloFederationDriver, ApolloFederationDriverConfig } from '@nestjs/apollo';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { AccessGuard, TokenVerifier, Principal } from '@civgrid/auth';
import { badInput } from '@civgrid/errors';
import { EventPayloads } from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import { BaseConfig } from './config';
import { RequestContext } from './context';
import { ServiceDefinition } from './definition';
import { contextError, createErrorFormatter, serviceUnavailablePlugin } from './errors';
import { validationBudget } from './edge';
import { Clock } from './clock';
import { EventHandlers } from './event-handlers';
import { Jobs } from './jobs';
import { EventsRetention } from './events-retention';
import { HealthController } from './health.controller';
import { createKafka } from './kafka';
import { Loaders } from './loaders';
import { RUNTIME_OPTIONS, RuntimeOptions, ServiceRuntime } from './runtime';
import { SqlRecorder } from './sql-recorder';
import { graphqlObservationPlugin, observationOf } from '@civgrid/telemetry';
import { MetricsController, ServiceMetrics, TracingShutdown } from './metrics';
import { CONFIG, KAFKA, LOGGER, SERVICE } from './tokens';

function flattenValidation(errors: import('class-validator').ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => (prefix ? `${prefix}.${m}` : m)),
    ...flattenValidation(e.children ?? [], prefix ? `${prefix}.${e.property}` : e.property),
  ]);
}

export const validationPipe = new ValidationPipe({
  transform: true,
  whitelist: true,
  forbidNonWhitelisted: true,
  exceptionFactory: (errors) => {
    const problems = flattenValidation(errors);
    return badInput('INVALID_INPUT', `The input is not valid: ${problems.join('; ')}.`, { problems });
  },
});

@Global()
@Module({})
export class ServiceKitModule {
  static forRoot(def: ServiceDefinition, config: BaseConfig, logger: Logger, options: RuntimeOptions): DynamicModule {
    const sql = new SqlRecorder();
    const verifier = new TokenVerifier({
      publicKeyPem: config.AUTH_PUBLIC_KEY,
      jwksUrl: config.AUTH_JWKS_URL,
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
      districtRoots: config.AUTH_DISTRICT_ROOT,
    });
    const dataSource = new DataSource({
      type: 'postgres',
      url: config.DATABASE_URL,
      entities: def.entities,
      migrations: def.migrations,
      migrationsTableName: 'migrations',
      synchronize: false,
      logging: ['query'],
      logger: sql,
      extra: { max: config.DATABASE_POOL_SIZE },
      applicationName: def.name,
    });
    const production = config.NODE_ENV === 'production';
    const metrics = new ServiceMetrics(def.name, config.METRICS_ENABLED, logger);

    const graphql = GraphQLModule.forRoot<ApolloFederationDriverConfig>({
      driver: ApolloFederationDriver,
      autoSchemaFile: { federation: 2 },
      sortSchema: true,
      playground: false,
      introspection: config.GRAPHQL_INTROSPECTION ?? !production,
      // With introspection off, "did you mean …?" hints would spell the schema out field by field.
      hideSchemaDetailsFromClientErrors: !(config.GRAPHQL_INTROSPECTION ?? !production),
      csrfPrevention: true,
      allowBatchedHttpRequests: false,
      includeStacktraceInErrorResponses: false,
      autoTransformHttpErrors: false,
      formatError: createErrorFormatter(logger),
      // The limits run before Apollo parses (graphqlEdge in bootstrap); this bounds validation.
      validationRules: [validationBudget(config.GRAPHQL_VALIDATION_BUDGET_MS)],
      // Traces would tell any caller how each field was resolved.
      plugins: [
        ApolloServerPluginInlineTraceDisabled(),
        serviceUnavailablePlugin(),
        graphqlObservationPlugin<RequestContext>({
          metrics: config.METRICS_ENABLED ? metrics.core : undefined,
          observation: (ctx) => observationOf(ctx.req),
          principalId: (ctx) => ctx.principal?.userId,
        }),
      ],
      // Every operation, `_service` and `_entities` included, needs a valid token.
      context: async ({ req }: { req: Request }): Promise<RequestContext> => {
        let principal: Principal;
        try {
          principal = await verifier.verifyHeader(req.headers.authorization);
        } catch (error) {
          throw contextError(error);
        }
        return { principal, loaders: new Loaders(), req };
      },
    });

    return {
      module: ServiceKitModule,
      imports: [graphql],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE, useValue: def },
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: RUNTIME_OPTIONS, useValue: options },
        { provide: SqlRecorder, useValue: sql },
        { provide: ServiceMetrics, useValue: metrics },
        TracingShutdown,
        { provide: TokenVerifier, useValue: verifier },
        {
          provide: DataSource,
          useFactory: async () => {
            if (options.schemaOnly) return dataSource;
            await dataSource.initialize();
            if (config.DATABASE_MIGRATE_ON_START) await dataSource.runMigrations({ transaction: 'each' });
            metrics.attach(dataSource);
            return dataSource;
          },
        },
        { provide: KAFKA, useValue: createKafka(config.KAFKA_CLIENT_ID ?? def.name, config.KAFKA_BROKERS, logger) },
        { provide: Outbox, useValue: new Outbox<EventPayloads>(`/civgrid/${def.name}`, def.catalogue) },
        EventHandlers,
        Clock,
        Jobs,
        EventsRetention,
        ServiceRuntime,
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_PIPE, useValue: validationPipe },
      ],
      exports: [
        SERVICE,
        CONFIG,
        LOGGER,
        SqlRecorder,
        ServiceMetrics,
        TokenVerifier,
        DataSource,
        KAFKA,
        Outbox,
        EventHandlers,
        Clock,
        Jobs,
        ServiceRuntime,
      ],
    };
  }
}
