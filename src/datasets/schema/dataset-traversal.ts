import { DatasetField, FidesopsDataset, TraversalDetails } from './dataset.types.js';

/**
 * `validate_dataset`'s traversal check (docs/compatibility.md#connections-and-datasets), on the dataset alone. Nodes are its collections
 * (`<fides_key>:<collection>`); seeds are collections with an `identity` field. A reference on a field of collection C
 * to `field: "D.f"` of this dataset is an edge D → C for direction `from`, C → D for `to`, and both ways for null
 * (Fides makes a bidirectional edge).
 *
 * Where Herald differs from Fides, which fails any reference outside the graph: a reference to another dataset is
 * allowed and named in `msg` as unresolved, and a collection it feeds (direction `from` or null) counts as reachable,
 * since it will be once that dataset is loaded. So Postman's `email_dataset` (docs/compatibility.md#the-postman-collection: no identity,
 * `daycare_customer.customer_id` from `postgres_example` `customer.id`, `children.parent_id` from
 * `daycare_customer.id`) is traversable, with `msg` naming `postgres_example:customer:id`.
 *
 * Reachability is plain: one reached parent suffices (Fides' ordering by `after` and by all parents is the
 * executor's business, not a property of the uploaded dataset).
 */
export function traversalDetails(dataset: FidesopsDataset): TraversalDetails {
  const ds = dataset.fides_key;
  const collections = new Map(dataset.collections.map((c) => [c.name, c]));
  const edges = new Map<string, Set<string>>([...collections.keys()].map((name) => [name, new Set<string>()]));
  const seeds = new Set<string>();
  const missing = new Set<string>();
  const external = new Set<string>();

  for (const collection of collections.values()) {
    for (const field of allFields(collection.fields)) {
      if (field.fidesops_meta?.identity != null) seeds.add(collection.name);
      for (const ref of field.fidesops_meta?.references ?? []) {
        const [target, ...path] = ref.field.split('.');
        const address = [ref.dataset, target, ...(path.length > 0 ? [path.join('.')] : [])].join(':');
        const feedsThis = ref.direction !== 'to';
        const feedsTarget = ref.direction !== 'from';
        if (ref.dataset !== ds) {
          external.add(address);
          if (feedsThis) seeds.add(collection.name);
        } else if (!collections.has(target) || !hasFieldPath(collections.get(target)!.fields, path)) {
          missing.add(address);
        } else {
          if (feedsThis) edges.get(target)!.add(collection.name);
          if (feedsTarget) edges.get(collection.name)!.add(target);
        }
      }
    }
  }

  const reached = new Set<string>();
  const queue = [...seeds];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (reached.has(name)) continue;
    reached.add(name);
    queue.push(...edges.get(name)!);
  }
  const unreachable = [...collections.keys()].filter((name) => !reached.has(name));

  const problems = [
    ...sorted(missing).map((address) => `Referred to object ${address} does not exist`),
    ...(unreachable.length > 0 ? [`Some nodes were not reachable: ${sorted(unreachable.map((name) => `${ds}:${name}`)).join(',')}`] : []),
  ];
  const notes = external.size > 0 ? [`Unresolved references to other datasets: ${sorted(external).join(',')}`] : [];
  const msg = [...problems, ...notes].join('; ');
  return { is_traversable: problems.length === 0, msg: msg === '' ? null : msg };
}

function* allFields(fields: DatasetField[]): Generator<DatasetField> {
  for (const field of fields) {
    yield field;
    yield* allFields(field.fields);
  }
}

/** `path` names a field then its sub-fields; an empty path names no field. */
function hasFieldPath(fields: DatasetField[], path: string[]): boolean {
  const [head, ...rest] = path;
  const field = fields.find((f) => f.name === head);
  return field !== undefined && (rest.length === 0 || hasFieldPath(field.fields, rest));
}

const sorted = (values: Iterable<string>) => [...values].sort();
