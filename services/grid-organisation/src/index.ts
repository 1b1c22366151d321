export { gridOrganisation } from './definition';
