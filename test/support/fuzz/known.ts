import fc from 'fast-check';
import { word } from './hostile.js';

/**
 * Keys and ids that exist in the fuzz app's database (made by `seed` before the run, and again every few hundred
 * requests in case the fuzz deleted them): a path or body naming them reaches the service and the database instead of
 * stopping at a 404. Fixed before generation starts, so a run replays (fast-check `path`) to the same requests.
 */
export interface Known {
  messagingConfig: string[];
  connection: string[];
  dataset: string[];
  policy: string[];
  rule: string[];
  target: string[];
  client: string[];
  privacyRequest: string[];
  message: string[];
  /** Path parameters that belong together (a policy, its rule, the rule's target...), by parameter name. */
  together: Record<string, string>;
}

const EMAILS = ['subject@example.com', 'fuzz@herald.example', 'privacy@thirdparty.example', 'A.B+tag@Example.COM'];
const PHONES = ['+15558675309', '+442071838750', '5558675309', '+1'];
const CATEGORIES = ['user.contact.email', 'user', 'user.contact', 'system.operations', 'user.childrens', 'user.unknown_category'];
const DATES = ['2024-01-01T00:00:00Z', '2030-06-15T12:30:00.000+02:00', '2024-01-01', 'yesterday', '1970-01-01T00:00:00Z'];

/** FidesKey-shaped strings and known keys of one kind. */
const keysOf = (known: string[]): fc.Arbitrary<string> =>
  known.length > 0 ? fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 3 }, { arbitrary: word, weight: 1 }) : word;

/**
 * A valid-looking string for a parameter, field or argument, by its name (snake_case or camelCase), or undefined when
 * the name tells nothing.
 */
export function validByName(name: string, known: Known): fc.Arbitrary<string> | undefined {
  const n = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  if (n === 'config_key' || n === 'messaging_config_key') return keysOf(known.messagingConfig);
  if (n === 'connection_key') return keysOf(known.connection);
  if (n === 'fides_key' || n === 'dataset' || n === 'after') return keysOf(known.dataset);
  if (n === 'policy_key') return keysOf(known.policy);
  if (n === 'rule_key') return keysOf(known.rule);
  if (n === 'rule_target_key' || n === 'target_key') return keysOf(known.target);
  if (n === 'client_id') return keysOf(known.client);
  if (n === 'privacy_request_id' || n === 'request_id' || n === 'id' || n === 'ids' || n === 'request_ids') {
    return fc.oneof(keysOf(known.privacyRequest), keysOf(known.message));
  }
  if (n === 'message_id') return keysOf(known.message);
  if (n === 'key' || n.endsWith('_key') || n === 'organization_fides_key') {
    return keysOf([...known.messagingConfig, ...known.connection, ...known.dataset, ...known.policy, ...known.rule, ...known.target]);
  }
  if (n.includes('email') || n === 'identity' || n === 'search') return fc.constantFrom(...EMAILS);
  if (n.includes('phone')) return fc.constantFrom(...PHONES);
  if (n === 'code') return fc.constantFrom('123456', '000000', '1', '');
  if (n === 'data_category' || n === 'data_categories') return fc.constantFrom(...CATEGORIES);
  if (n.endsWith('_at') || n.endsWith('_lt') || n.endsWith('_gt') || n.startsWith('created') || n === 'date_time') return fc.constantFrom(...DATES);
  if (n === 'domain') return fc.constantFrom('mg.herald.example', 'mg.example.com', 'localhost', '127.0.0.1');
  if (n === 'api_version') return fc.constantFrom('v3', 'v4');
  if (n === 'encryption_key') return fc.constantFrom('abcdefghijklmnop', 'short');
  if (n === 'token') return fc.constantFrom('x', 'eyJhbGciOiJIUzI1NiJ9.e30.x');
  if (n === 'name' || n === 'description' || n === 'reason' || n === 'rewrite_value' || n === 'message') {
    return fc.oneof(fc.constantFrom('Fuzz Thing', 'Daycare CRM', 'Erase user data'), fc.string({ maxLength: 20 }));
  }
  if (n === 'field') return fc.constantFrom('children.parent_email', 'a.b', 'x');
  if (n === 'client_secret') return fc.constantFrom('root-secret-for-tests-only', 'wrong');
  if (n.includes('sid') || n.includes('api_key') || n.includes('auth_token')) return fc.constantFrom('key-fuzz', 'ACfuzz', 'MGfuzz');
  if (n === 'external_id') return fc.constantFrom('ext-1', 'ext-2');
  return undefined;
}
