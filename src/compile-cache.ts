import { enableCompileCache } from 'node:module';

// Imported first by main.ts: the modules loaded after it (the framework, most of a start's CPU) are compiled from
// V8's code cache on disk (under the system's temp dir) after the first start. NODE_DISABLE_COMPILE_CACHE=1 turns it
// off; a cache that cannot be written is skipped by Node itself.
enableCompileCache();
