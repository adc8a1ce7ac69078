export { ENVELOPE_VERSION, KeyRing, type KeyPurpose, type Opened } from './key-ring.js';
