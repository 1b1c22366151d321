// First: tracing (when OTEL_* asks for it) must hook express, graphql and pg before they load.
import '@civgrid/telemetry/register';
import 'reflect-metadata';
import { runMain } from '@civgrid/service-kit';
import { disputeMediation } from './definition';

void runMain(disputeMediation);
