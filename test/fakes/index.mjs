// Entry point of the loopback provider fakes (see provider-fakes.mjs).
export * from './provider-fakes.mjs';
export * from './mandrill-fake.mjs';
export * from './smtp-fake.mjs';
