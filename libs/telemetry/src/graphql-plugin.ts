import type { ApolloServerPlugin, BaseContext, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { CoreMetrics, codeLabel, outcomeOf } from './metrics';
import { RequestObservation } from './request';

export interface GraphQLObservationOptions<C> {
  /** Absent: no metrics (METRICS_ENABLED=false); the log line still gets the operation. */
  metrics?: CoreMetrics;
  /** The request's observation (its request id and log line), from the context. */
  observation(context: C): RequestObservation | undefined;
  /** The caller's id for the log line (a user id, never a name). */
  principalId(context: C): string | undefined;
}

function errorCodes(rc: GraphQLRequestContextWillSendResponse<BaseContext>): string[] {
  const body = rc.response.body;
  const errors = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
  return (errors ?? []).map((e) => codeLabel(e.extensions?.['code']));
}

/**
 * One histogram sample per GraphQL operation, by operation name (bounded), type and outcome, and
 * what the request log line says about the operation. Variables are never read.
 */
export function graphqlObservationPlugin<C extends BaseContext>(options: GraphQLObservationOptions<C>): ApolloServerPlugin<C> {
  const { metrics } = options;
  return {
    requestDidStart(start) {
      const started = process.hrtime.bigint();
      let operationType = 'unknown';
      return Promise.resolve({
        didResolveOperation(rc) {
          operationType = rc.operation?.operation ?? 'unknown';
          return Promise.resolve();
        },
        willSendResponse(rc) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const codes = errorCodes(rc);
          const outcome = outcomeOf(codes);
          // Unparsed or invalid operations have no trustworthy name: `unknown`.
          const operation = rc.operation ? (metrics?.operationNames.value(rc.operationName) ?? 'anonymous') : 'unknown';
          if (metrics) {
            metrics.graphqlDuration.observe({ operation, operation_type: operationType, outcome }, seconds);
            for (const code of codes) metrics.graphqlErrors.inc({ code });
          }
          const observation = options.observation(start.contextValue);
          if (observation) {
            observation.operationName = rc.operationName ?? undefined;
            observation.operationType = operationType;
            observation.outcome = outcome;
            if (codes.length > 0) observation.errorCodes = [...new Set(codes)];
            observation.principalId = options.principalId(start.contextValue);
          }
          return Promise.resolve();
        },
      });
    },
  };
}
