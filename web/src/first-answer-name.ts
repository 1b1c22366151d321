/** Where the page's own script leaves the first screen's answer (vite.config.ts writes that script). */
export const FIRST_ANSWER = '__civgridFirstAnswer';
