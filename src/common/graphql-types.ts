import type { Type } from '@nestjs/common';
import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsString } from 'class-validator';
import { FidesKey, MAX_LENGTH, MaxLen, Optional, Required } from './validation/fides-validators.js';

// The shapes every feature's GraphQL API repeats. Each returns an abstract type to extend under the concrete
// name: `@ObjectType('ConnectionPage') class ConnectionPageObject extends PageOf(ConnectionObject) {}`.

/** A page of items with Fides' paging fields; `totalDescription` says what `total` is when not a count. */
export function PageOf<T>(item: Type<T>, totalDescription?: string) {
  @ObjectType({ isAbstract: true })
  abstract class PageObject {
    @Field(() => [item]) items: T[];
    @Field(() => Int, { description: totalDescription }) total: number;
    @Field(() => Int) page: number;
    @Field(() => Int) size: number;
  }
  return PageObject;
}

/** One failed item of a bulk write: why, and the item as it was given. */
export function FailureOf<D>(data: Type<D>) {
  @ObjectType({ isAbstract: true })
  abstract class FailureObject {
    @Field() message: string;
    @Field(() => data) data: D;
  }
  return FailureObject;
}

/** A bulk write's outcome: what succeeded, and what failed with why. */
export function BulkResultOf<T, F>(item: Type<T>, failure: Type<F>) {
  @ObjectType({ isAbstract: true })
  abstract class BulkResultObject {
    @Field(() => [item]) succeeded: T[];
    @Field(() => [failure]) failed: F[];
  }
  return BulkResultObject;
}

/** The name and FidesKey every named write input starts with (Fides generates the key from the name when omitted). */
@InputType({ isAbstract: true })
export abstract class NamedInput {
  @Field() @Required() @IsString() @MaxLen(MAX_LENGTH.name) name: string;

  @Field(() => String, { nullable: true, description: 'FidesKey; generated from the name when omitted' })
  @Optional()
  @IsString()
  @FidesKey()
  key?: string | null;
}
