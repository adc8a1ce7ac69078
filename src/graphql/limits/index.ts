export { aliasesPerRootFieldRule } from './aliases.rule.js';
export { depthLimitRule } from './depth.rule.js';
export { fieldCountRule } from './field-count.rule.js';
export { graphqlLimitsPlugin } from './limits.plugin.js';
export { GRAPHQL_LIMITS } from './limits.js';
export { withoutSuggestions } from './suggestions.js';
