export { populationRegistry } from './definition';
