// Imported first by every main.js (or `node --require @civgrid/telemetry/register`): the
// instrumentations must be in place before express, graphql and pg are loaded.
import { startTracing } from './tracing';

startTracing();
