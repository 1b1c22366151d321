export { incidentReporting } from './definition';
