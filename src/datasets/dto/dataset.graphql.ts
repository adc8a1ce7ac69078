import { ArgsType, Field, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { PageOf, BulkResultOf } from '../../common/graphql-types.js';
import { IsString } from 'class-validator';
import { PageArgs } from '../../common/pagination.js';
import { ReferenceDirection } from '../schema/index.js';

// The dataset travels as typed objects (never an opaque JSON blob). Inputs mirror the objects; the mapper turns
// them into Fides' snake_case form, which the one dataset parser validates for REST and GraphQL alike
// (../dataset.graphql-mapper.ts).

registerEnumType(ReferenceDirection, { name: 'ReferenceDirection', description: 'Which way data flows along a reference' });

@ObjectType('FieldReference')
export class FieldReferenceObject {
  @Field() dataset: string;
  @Field({ description: '`collection.field[.subfield...]` in the dataset' }) field: string;
  @Field(() => ReferenceDirection, { nullable: true }) direction: ReferenceDirection | null;
}

@ObjectType('FieldFidesopsMeta')
export class FieldFidesopsMetaObject {
  @Field(() => [FieldReferenceObject], { nullable: true }) references: FieldReferenceObject[] | null;
  @Field(() => String, { nullable: true, description: 'The request identity (e.g. email) that seeds this field' }) identity: string | null;
  @Field(() => Boolean, { nullable: true }) primaryKey: boolean | null;
  @Field(() => String, { nullable: true, description: 'string, integer, float, boolean, object_id or object; `[]` for arrays' }) dataType: string | null;
  @Field(() => Int, { nullable: true }) length: number | null;
  @Field(() => Boolean, { nullable: true }) returnAllElements: boolean | null;
  @Field(() => Boolean, { nullable: true }) readOnly: boolean | null;
}

@ObjectType('DatasetField')
export class DatasetFieldObject {
  @Field() name: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => [String], { nullable: true }) dataCategories: string[] | null;
  @Field() dataQualifier: string;
  @Field(() => String, { nullable: true }) retention: string | null;
  @Field(() => FieldFidesopsMetaObject, { nullable: true }) fidesopsMeta: FieldFidesopsMetaObject | null;
  @Field(() => [DatasetFieldObject], { description: 'Sub-fields of an object field' }) fields: DatasetFieldObject[];
}

@ObjectType('CollectionFidesopsMeta')
export class CollectionFidesopsMetaObject {
  @Field(() => [String], { nullable: true, description: 'Collections (`dataset.collection`) to run first' }) after: string[] | null;
}

@ObjectType('DatasetCollection')
export class DatasetCollectionObject {
  @Field() name: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => [String], { nullable: true }) dataCategories: string[] | null;
  @Field() dataQualifier: string;
  @Field(() => String, { nullable: true }) retention: string | null;
  @Field(() => [DatasetFieldObject]) fields: DatasetFieldObject[];
  @Field(() => CollectionFidesopsMetaObject, { nullable: true }) fidesopsMeta: CollectionFidesopsMetaObject | null;
}

@ObjectType('MetaEntry')
export class MetaEntryObject {
  @Field() key: string;
  @Field() value: string;
}

@ObjectType('FidesctlMeta')
export class FidesctlMetaObject {
  @Field(() => String, { nullable: true }) resourceId: string | null;
}

@ObjectType('ContactDetails')
export class ContactDetailsObject {
  @Field() name: string;
  @Field() address: string;
  @Field() email: string;
  @Field() phone: string;
}

@ObjectType('DatasetFidesopsMeta')
export class DatasetFidesopsMetaObject {
  @Field(() => [String], { nullable: true, description: 'Datasets to run first' }) after: string[] | null;
}

@ObjectType('Dataset', { description: "A third party's collections and fields, for building erasure instructions" })
export class DatasetObject {
  @Field() fidesKey: string;
  @Field() organizationFidesKey: string;
  @Field(() => [String], { nullable: true }) tags: string[] | null;
  @Field(() => String, { nullable: true }) name: string | null;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => [MetaEntryObject], { nullable: true }) meta: MetaEntryObject[] | null;
  @Field(() => [String], { nullable: true }) dataCategories: string[] | null;
  @Field() dataQualifier: string;
  @Field(() => FidesctlMetaObject, { nullable: true }) fidesctlMeta: FidesctlMetaObject | null;
  @Field(() => ContactDetailsObject, { nullable: true }) jointController: ContactDetailsObject | null;
  @Field(() => String, { nullable: true }) retention: string | null;
  @Field(() => [String], { nullable: true, description: 'ISO-3166 alpha-3 codes' }) thirdCountryTransfers: string[] | null;
  @Field(() => [DatasetCollectionObject]) collections: DatasetCollectionObject[];
  @Field(() => DatasetFidesopsMetaObject, { nullable: true }) fidesopsMeta: DatasetFidesopsMetaObject | null;
}

@ObjectType('DatasetPage')
export class DatasetPageObject extends PageOf(DatasetObject) {}

@ObjectType('DatasetFailure')
export class DatasetFailureObject {
  @Field() message: string;
  @Field() fidesKey: string;
}

@ObjectType('DatasetBulkResult')
export class DatasetBulkResultObject extends BulkResultOf(DatasetObject, DatasetFailureObject) {}

@ObjectType('TraversalDetails')
export class TraversalDetailsObject {
  @Field() isTraversable: boolean;
  @Field(() => String, { nullable: true }) msg: string | null;
}

@ObjectType('DatasetValidation')
export class DatasetValidationObject {
  @Field(() => DatasetObject) dataset: DatasetObject;
  @Field(() => TraversalDetailsObject) traversalDetails: TraversalDetailsObject;
}

@ArgsType()
export class DatasetListArgs extends PageArgs {
  // Declared to class-validator too: the global pipe refuses undecorated properties of an args class as extra.
  @Field() @IsString() connectionKey: string;
}

// Inputs: optional everywhere the schema has a default; the parser reports what is missing or wrong, with its loc.

@InputType()
export class FieldReferenceInput {
  @Field() dataset: string;
  @Field() field: string;
  @Field(() => ReferenceDirection, { nullable: true }) direction?: ReferenceDirection | null;
}

@InputType()
export class FieldFidesopsMetaInput {
  @Field(() => [FieldReferenceInput], { nullable: true }) references?: FieldReferenceInput[] | null;
  @Field(() => String, { nullable: true }) identity?: string | null;
  @Field(() => Boolean, { nullable: true }) primaryKey?: boolean | null;
  @Field(() => String, { nullable: true }) dataType?: string | null;
  @Field(() => Int, { nullable: true }) length?: number | null;
  @Field(() => Boolean, { nullable: true }) returnAllElements?: boolean | null;
  @Field(() => Boolean, { nullable: true }) readOnly?: boolean | null;
}

@InputType()
export class DatasetFieldInput {
  @Field() name: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [String], { nullable: true }) dataCategories?: string[] | null;
  @Field(() => String, { nullable: true }) dataQualifier?: string | null;
  @Field(() => String, { nullable: true }) retention?: string | null;
  @Field(() => FieldFidesopsMetaInput, { nullable: true }) fidesopsMeta?: FieldFidesopsMetaInput | null;
  @Field(() => [DatasetFieldInput], { nullable: true }) fields?: DatasetFieldInput[] | null;
}

@InputType()
export class CollectionFidesopsMetaInput {
  @Field(() => [String], { nullable: true }) after?: string[] | null;
}

@InputType()
export class DatasetCollectionInput {
  @Field() name: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [String], { nullable: true }) dataCategories?: string[] | null;
  @Field(() => String, { nullable: true }) dataQualifier?: string | null;
  @Field(() => String, { nullable: true }) retention?: string | null;
  @Field(() => [DatasetFieldInput]) fields: DatasetFieldInput[];
  @Field(() => CollectionFidesopsMetaInput, { nullable: true }) fidesopsMeta?: CollectionFidesopsMetaInput | null;
}

@InputType()
export class MetaEntryInput {
  @Field() key: string;
  @Field() value: string;
}

@InputType()
export class FidesctlMetaInput {
  @Field(() => String, { nullable: true }) resourceId?: string | null;
}

@InputType()
export class ContactDetailsInput {
  @Field({ defaultValue: '' }) name: string;
  @Field({ defaultValue: '' }) address: string;
  @Field({ defaultValue: '' }) email: string;
  @Field({ defaultValue: '' }) phone: string;
}

@InputType()
export class DatasetFidesopsMetaInput {
  @Field(() => [String], { nullable: true }) after?: string[] | null;
}

@InputType()
export class DatasetInput {
  @Field() fidesKey: string;
  @Field(() => String, { nullable: true }) organizationFidesKey?: string | null;
  @Field(() => [String], { nullable: true }) tags?: string[] | null;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [MetaEntryInput], { nullable: true }) meta?: MetaEntryInput[] | null;
  @Field(() => [String], { nullable: true }) dataCategories?: string[] | null;
  @Field(() => String, { nullable: true }) dataQualifier?: string | null;
  @Field(() => FidesctlMetaInput, { nullable: true }) fidesctlMeta?: FidesctlMetaInput | null;
  @Field(() => ContactDetailsInput, { nullable: true }) jointController?: ContactDetailsInput | null;
  @Field(() => String, { nullable: true }) retention?: string | null;
  @Field(() => [String], { nullable: true }) thirdCountryTransfers?: string[] | null;
  @Field(() => [DatasetCollectionInput]) collections: DatasetCollectionInput[];
  @Field(() => DatasetFidesopsMetaInput, { nullable: true }) fidesopsMeta?: DatasetFidesopsMetaInput | null;
}
