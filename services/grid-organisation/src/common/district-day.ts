/**
 * The district's day, from the one clock every date here comes from: the database's `now()` (the
 * transaction's moment, the same for every statement of a change) on Asia/Shanghai's calendar.
 */
export const DISTRICT_TODAY = `((now() AT TIME ZONE 'Asia/Shanghai')::date)`;
