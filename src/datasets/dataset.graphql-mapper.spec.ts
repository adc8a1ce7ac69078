import type { DatasetInput } from './dto/dataset.graphql.js';
import { datasetListLoc, datasetLoc, fromDatasetInput } from './dataset.graphql-mapper.js';

const input = (meta: { key: string; value: string }[] | null) => ({ fidesKey: 'ds', collections: [], meta }) as unknown as DatasetInput;

describe('dataset GraphQL locations', () => {
  it("camelCases the parser's keys and keeps indices", () => {
    expect(datasetLoc(input(null))(['collections', 0, 'fields', 1, 'fidesops_meta', 'return_all_elements'])).toEqual([
      'collections',
      0,
      'fields',
      1,
      'fidesopsMeta',
      'returnAllElements',
    ]);
  });

  it('locates a meta value (named by its key in Fides) at the last entry of that key, never camelCasing the key', () => {
    const meta = [
      { key: 'snake_key', value: 'a' },
      { key: 'owner', value: 'b' },
      { key: 'snake_key', value: 'c' },
    ];
    expect(fromDatasetInput(input(meta))).toMatchObject({ meta: { snake_key: 'c', owner: 'b' } });
    expect(datasetLoc(input(meta))(['meta', 'snake_key'])).toEqual(['meta', 2, 'value']);
    expect(datasetLoc(input(meta))(['meta'])).toEqual(['meta']);
  });

  it('does the same under each item of a list', () => {
    const inputs = [input(null), input([{ key: 'owner', value: 'x' }])];
    expect(datasetListLoc(inputs)([1, 'meta', 'owner'])).toEqual([1, 'meta', 0, 'value']);
    expect(datasetListLoc(inputs)([0, 'fides_key'])).toEqual([0, 'fidesKey']);
    expect(datasetListLoc(inputs)([])).toEqual([]);
  });
});
