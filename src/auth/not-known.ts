/**
 * What the synchronous look-ups of the auth caches answer when only the asynchronous path (decrypting a token, asking
 * the database) can tell. A request whose token and client are cached then costs no promise (issue 20).
 */
export const NOT_KNOWN = Symbol('not known');
export type NotKnown = typeof NOT_KNOWN;
