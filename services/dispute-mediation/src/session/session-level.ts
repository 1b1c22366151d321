// The dispute levels, re-exported for the session types in ./dto.
export { DisputeLevelEnum } from '../dispute/dto/dispute.type';
