import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { writeFile } from 'node:fs/promises';
import { RESOLVERS } from './resolvers.js';
import { printSortedSchema } from './schema-printer.js';

/** Writes schema.gql (or the path given) from the resolvers' metadata. */
async function main(): Promise<void> {
  const target = process.argv[2] ?? 'schema.gql';
  const app = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: false });
  const schema = await app.get(GraphQLSchemaFactory).create(RESOLVERS);
  await writeFile(target, printSortedSchema(schema));
  await app.close();
  console.log(`wrote ${target}`);
}

await main();
