export * from './provider-fakes.mjs';
