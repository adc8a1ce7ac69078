/** Fides' SCOPE_REGISTRY, in its order, then the fidesops `email:*` scopes and `config:update` that Herald adds. */
export const SCOPE_REGISTRY = [
  'client:create', 'client:update', 'client:read', 'client:delete', 'config:read',
  'connection:read', 'connection:create_or_update', 'connection:delete', 'connection:authorize', 'connection:instantiate',
  'consent:read', 'connection_type:read', 'dataset:create_or_update', 'dataset:delete', 'dataset:read', 'encryption:exec',
  'policy:create_or_update', 'policy:read', 'policy:delete',
  'privacy-request:create', 'privacy-request:review', 'privacy-request:read', 'privacy-request:delete',
  'privacy-request:resume', 'privacy-request:upload_data', 'privacy-request:view_data',
  'rule:create_or_update', 'rule:read', 'rule:delete', 'scope:read',
  'storage:create_or_update', 'storage:delete', 'storage:read',
  'messaging:create_or_update', 'messaging:delete', 'messaging:read',
  'webhook:create_or_update', 'webhook:read', 'webhook:delete',
  'saas_config:create_or_update', 'saas_config:read', 'saas_config:delete',
  'user:create', 'user:update', 'user:read', 'user:reset-password', 'user:delete',
  'user-permission:create', 'user-permission:update', 'user-permission:read',
  'email:create_or_update', 'email:read', 'email:delete', 'config:update',
] as const;

export type Scope = (typeof SCOPE_REGISTRY)[number];

const KNOWN = new Set<string>(SCOPE_REGISTRY);

export const isScope = (value: string): value is Scope => KNOWN.has(value);

/** Fides' text, with the registry as a Python list repr. */
export const INVALID_SCOPE_MESSAGE = `Invalid Scope. Scopes must be one of [${SCOPE_REGISTRY.map((s) => `'${s}'`).join(', ')}].`;
