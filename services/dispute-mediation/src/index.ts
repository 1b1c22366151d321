export { disputeMediation } from './definition';
