// `require('@civgrid/telemetry/register')` and `node --require @civgrid/telemetry/register`.
require('./dist/register.js');
