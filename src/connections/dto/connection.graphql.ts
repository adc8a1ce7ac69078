import { ArgsType, Field, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { BulkResultOf, FailureOf, NamedInput, PageOf } from '../../common/graphql-types.js';
import { Type } from 'class-transformer';
import { IsBoolean, IsString, ValidateNested } from 'class-validator';
import { PageArgs } from '../../common/pagination.js';
import { Email, MAX_LENGTH, MaxLen, Optional, Required } from '../../common/validation/fides-validators.js';
import { AccessLevel, ConnectionType, TestStatus, TestStatusFilter } from '../connection.types.js';

// The connections' GraphQL types (objects, args and inputs). The enumerations are the domain's own
// (../connection.types.ts), registered here once under their GraphQL names; the mappers are in
// ../connection.graphql-mapper.ts.

registerEnumType(ConnectionType, {
  name: 'ConnectionType',
  description: 'Herald keeps email connectors only: EMAIL (per request) and GENERIC_ERASURE_EMAIL (batched, decision D34)',
});
registerEnumType(AccessLevel, { name: 'AccessLevel', description: '`WRITE` lets erasure requests email the third party' });
registerEnumType(TestStatusFilter, { name: 'ConnectionTestStatusFilter' });
registerEnumType(TestStatus, { name: 'ConnectionTestStatus' });

@ObjectType('Connection', { description: 'A third party reached by email; its secrets are write-only' })
export class ConnectionObject {
  @Field() key: string;
  @Field() name: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => ConnectionType) connectionType: ConnectionType;
  @Field(() => AccessLevel) access: AccessLevel;
  @Field() disabled: boolean;
  @Field(() => Date, { nullable: true }) disabledAt: Date | null;
  @Field(() => Date, { nullable: true }) lastTestTimestamp: Date | null;
  @Field(() => Boolean, { nullable: true }) lastTestSucceeded: boolean | null;
  @Field() createdAt: Date;
  @Field() updatedAt: Date;
  /** Internal, for resolving `hasSecrets`. */
  id: string;
  knownHasSecrets?: boolean;
}

@ObjectType('ConnectionPage')
export class ConnectionPageObject extends PageOf(ConnectionObject) {}

@ArgsType()
export class ConnectionListArgs extends PageArgs {
  @Field({ nullable: true, description: 'Case-insensitive substring of the key, name or description' })
  @Optional()
  @IsString()
  @MaxLen(MAX_LENGTH.short)
  search?: string;

  @Field(() => [ConnectionType], { nullable: true })
  @Optional()
  connectionTypes?: ConnectionType[];

  @Field({ nullable: true }) @Optional() @IsBoolean() disabled?: boolean;

  @Field(() => TestStatusFilter, { nullable: true })
  @Optional()
  testStatus?: TestStatusFilter;
}

@InputType()
export class ConnectionInput extends NamedInput {
  @Field(() => ConnectionType) @Required() connectionType: ConnectionType;
  @Field(() => AccessLevel) @Required() access: AccessLevel;
  @Field({ defaultValue: false }) @Optional() @IsBoolean() disabled: boolean = false;
  @Field(() => String, { nullable: true }) @Optional() @IsString() @MaxLen(MAX_LENGTH.text) description?: string | null;
}

@ObjectType('ConnectionFailedItem', { description: 'The item as it was given' })
export class ConnectionFailedItemObject {
  @Field() name: string;
  @Field(() => String, { nullable: true }) key: string | null;
  @Field(() => ConnectionType) connectionType: ConnectionType;
  @Field(() => AccessLevel) access: AccessLevel;
  @Field() disabled: boolean;
  @Field(() => String, { nullable: true }) description: string | null;
}

@ObjectType('ConnectionFailure')
export class ConnectionFailureObject extends FailureOf(ConnectionFailedItemObject) {}

@ObjectType('ConnectionBulkResult')
export class ConnectionBulkResultObject extends BulkResultOf(ConnectionObject, ConnectionFailureObject) {}

@InputType()
export class EmailConnectionSecretsInput {
  @Field({ description: 'Where erasure instructions are sent' }) @Required() @IsString() @Email() toEmail: string;
  @Field(() => String, { nullable: true, description: 'Where the test email is sent' }) @Optional() @IsString() @Email() testEmail?: string | null;
}

@InputType('ErasureEmailIdentityTypesInput')
export class ErasureEmailIdentityTypesInput {
  @Field(() => Boolean, { nullable: true, description: 'List the email address (default true)' }) @Optional() @IsBoolean() email?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'List the phone number (default false)' }) @Optional() @IsBoolean() phoneNumber?: boolean | null;
}

/** Decision D34: a `generic_erasure_email` connector's secrets. */
@InputType()
export class ErasureEmailConnectionSecretsInput {
  @Field({ description: 'The vendor named in the batch email' }) @Required() @IsString() @MaxLen(MAX_LENGTH.name) thirdPartyVendorName: string;
  @Field({ description: 'Where the batch email goes' }) @Required() @IsString() @Email() recipientEmailAddress: string;
  @Field(() => String, { nullable: true, description: 'Where the test email goes' }) @Optional() @IsString() @Email() testEmailAddress?: string | null;
  @Field(() => ErasureEmailIdentityTypesInput, { nullable: true, description: 'Which identities the email lists (default: email only)' })
  @Optional()
  @ValidateNested()
  @Type(() => ErasureEmailIdentityTypesInput)
  identityTypes?: ErasureEmailIdentityTypesInput | null;
}

@ObjectType('ConnectionTestResult')
export class ConnectionTestResultObject {
  @Field(() => ConnectionObject) connection: ConnectionObject;
  @Field(() => TestStatus, { nullable: true, description: 'Null when no test was asked for' }) testStatus: TestStatus | null;
  @Field(() => String, { nullable: true }) failureReason: string | null;
  @Field(() => String, { nullable: true, description: 'The test email in the message log' }) messageId: string | null;
}
