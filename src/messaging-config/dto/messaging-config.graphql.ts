import { createUnionType, Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsBoolean, IsString, ValidateNested } from 'class-validator';
import { NamedInput, PageOf } from '../../common/graphql-types.js';
import { MessagingServiceType } from '../../common/messaging-service-type.graphql.js';
import { Email, IntBetween, MAX_LENGTH, MaxLen, OneOf, Optional, Required } from '../../common/validation/fides-validators.js';
import { SMTP_SECURITY } from '../messaging-config-details.js';

// The messaging config's GraphQL types: objects (what queries answer), then inputs (what mutations take). The
// mappers between them and the service are in ../messaging-config.graphql-mapper.ts.

@ObjectType('MailgunDetails')
export class MailgunDetailsObject {
  @Field() domain: string;
  @Field() isEuDomain: boolean;
  @Field() apiVersion: string;
  @Field({ description: "Decision D32: sends through the domain's stored template `fides` when it exists" }) useProviderTemplate: boolean;
}

@ObjectType('TwilioEmailDetails')
export class TwilioEmailDetailsObject {
  @Field({ description: 'The SendGrid sender address' }) twilioEmailFrom: string;
  @Field({ description: 'Decision D32: sends through the dynamic template named `fides` when it exists' }) useProviderTemplate: boolean;
}

@ObjectType('MailchimpTransactionalDetails')
export class MailchimpTransactionalDetailsObject {
  @Field({ description: 'The sender address' }) emailFrom: string;
}

@ObjectType('SmtpDetails')
export class SmtpDetailsObject {
  @Field() host: string;
  @Field(() => Int) port: number;
  @Field({ description: 'starttls, tls or none' }) security: string;
  @Field({ description: 'The sender address' }) emailFrom: string;
}

@ObjectType('AwsSesDetails')
export class AwsSesDetailsObject {
  @Field() awsRegion: string;
  @Field(() => String, { nullable: true, description: 'The sender address; else noreply@ the domain' }) emailFrom: string | null;
  @Field(() => String, { nullable: true }) domain: string | null;
  @Field(() => String, { nullable: true, description: 'The SES configuration set every send names (its event destinations publish delivery events)' })
  configurationSetName: string | null;
}

export type MessagingConfigDetailsObject =
  MailgunDetailsObject | TwilioEmailDetailsObject | MailchimpTransactionalDetailsObject | SmtpDetailsObject | AwsSesDetailsObject;

/** Each details object by a field no object before it has: `emailFrom` alone (Mailchimp's) comes last. */
const DETAILS_OBJECTS: [string, new () => object][] = [
  ['isEuDomain', MailgunDetailsObject],
  ['twilioEmailFrom', TwilioEmailDetailsObject],
  ['awsRegion', AwsSesDetailsObject],
  ['host', SmtpDetailsObject],
  ['emailFrom', MailchimpTransactionalDetailsObject],
];

export const MessagingConfigDetailsUnion = createUnionType({
  name: 'MessagingConfigDetails',
  types: () => [MailgunDetailsObject, TwilioEmailDetailsObject, MailchimpTransactionalDetailsObject, SmtpDetailsObject, AwsSesDetailsObject] as const,
  resolveType: (value: object) => DETAILS_OBJECTS.find(([field]) => field in value)?.[1],
});

@ObjectType('MessagingConfig', { description: 'A messaging provider configuration; secrets are write-only' })
export class MessagingConfigObject {
  @Field() key: string;
  @Field() name: string;
  @Field(() => MessagingServiceType) serviceType: MessagingServiceType;
  @Field(() => MessagingConfigDetailsUnion, { nullable: true }) details: MessagingConfigDetailsObject | null;
  /** Internal: the config's id, for resolving `hasSecrets`; not a GraphQL field. */
  id: string;
  /** Internal: `hasSecrets` when already known (lists fetch it for every item in one query). */
  knownHasSecrets?: boolean;
  @Field() createdAt: Date;
  @Field() updatedAt: Date;
  @Field(() => Date, { nullable: true, description: 'When testMessagingService (or POST /messaging/test/{service_type}) last ran; null if never' })
  lastTestTimestamp: Date | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether that last test sent its message; null if never tested' })
  lastTestSucceeded: boolean | null;
}

@ObjectType('MessagingConfigPage')
export class MessagingConfigPageObject extends PageOf(MessagingConfigObject) {}

@InputType()
export class MailgunDetailsInput {
  @Field() @Required() @IsString() @MaxLen(MAX_LENGTH.short) domain: string;
  @Field({ defaultValue: false }) @Optional() @IsBoolean() isEuDomain: boolean = false;
  @Field({ defaultValue: 'v3' }) @Optional() @IsString() @MaxLen(MAX_LENGTH.short) apiVersion: string = 'v3';
  @Field(() => Boolean, { nullable: true, description: "Decision D32: send through the domain's stored template `fides` when it exists (default false)" })
  @Optional()
  @IsBoolean()
  useProviderTemplate?: boolean | null;
}

@InputType()
export class TwilioEmailDetailsInput {
  @Field() @Required() @IsString() @Email() twilioEmailFrom: string;
  @Field(() => Boolean, { nullable: true, description: 'Decision D32: send through the dynamic template named `fides` when it exists (default false)' })
  @Optional()
  @IsBoolean()
  useProviderTemplate?: boolean | null;
}

@InputType()
export class MailchimpTransactionalDetailsInput {
  @Field() @Required() @IsString() @Email() emailFrom: string;
}

@InputType()
export class SmtpDetailsInput {
  @Field() @Required() @IsString() @MaxLen(MAX_LENGTH.short) host: string;
  @Field(() => Int, { nullable: true, description: 'Default 587 (starttls), 465 (tls) or 25 (none)' }) @Optional() @IntBetween(1, 65535) port?: number;
  @Field({ nullable: true, description: 'starttls (default), tls or none' }) @Optional() @IsString() @OneOf(SMTP_SECURITY) security?: string;
  @Field() @Required() @IsString() @Email() emailFrom: string;
}

@InputType()
export class AwsSesDetailsInput {
  @Field() @Required() @IsString() @MaxLen(MAX_LENGTH.short) awsRegion: string;
  @Field({ nullable: true, description: 'Give emailFrom, domain or both' }) @Optional() @IsString() @Email() emailFrom?: string;
  @Field({ nullable: true }) @Optional() @IsString() @MaxLen(MAX_LENGTH.short) domain?: string;
  @Field({ nullable: true, description: 'An SES configuration set for every send, whose event destinations publish delivery events (an SNS topic for Herald)' })
  @Optional()
  @IsString()
  @MaxLen(MAX_LENGTH.short)
  configurationSetName?: string;
}

@InputType()
export class MessagingConfigInput extends NamedInput {
  @Field(() => MessagingServiceType) @Required() @OneOf(Object.values(MessagingServiceType)) serviceType: MessagingServiceType;

  @Field(() => MailgunDetailsInput, { nullable: true, description: 'Required for MAILGUN' })
  @Optional()
  @ValidateNested()
  @Type(() => MailgunDetailsInput)
  mailgun?: MailgunDetailsInput;

  @Field(() => TwilioEmailDetailsInput, { nullable: true, description: 'Required for TWILIO_EMAIL' })
  @Optional()
  @ValidateNested()
  @Type(() => TwilioEmailDetailsInput)
  twilioEmail?: TwilioEmailDetailsInput;

  @Field(() => MailchimpTransactionalDetailsInput, { nullable: true, description: 'Needed to send with MAILCHIMP_TRANSACTIONAL' })
  @Optional()
  @ValidateNested()
  @Type(() => MailchimpTransactionalDetailsInput)
  mailchimpTransactional?: MailchimpTransactionalDetailsInput;

  @Field(() => SmtpDetailsInput, { nullable: true, description: 'Required for SMTP' })
  @Optional()
  @ValidateNested()
  @Type(() => SmtpDetailsInput)
  smtp?: SmtpDetailsInput;

  @Field(() => AwsSesDetailsInput, { nullable: true, description: 'Required for AWS_SES' })
  @Optional()
  @ValidateNested()
  @Type(() => AwsSesDetailsInput)
  awsSes?: AwsSesDetailsInput;
}

@InputType({ description: "PUT /messaging/default: the config of a service type, created with Fides' default key and name or updated" })
export class MessagingDefaultInput {
  @Field(() => MessagingServiceType) @Required() @OneOf(Object.values(MessagingServiceType)) serviceType: MessagingServiceType;

  @Field(() => MailgunDetailsInput, { nullable: true, description: 'For MAILGUN; left out, an existing config keeps its details' })
  @Optional()
  @ValidateNested()
  @Type(() => MailgunDetailsInput)
  mailgun?: MailgunDetailsInput;

  @Field(() => TwilioEmailDetailsInput, { nullable: true, description: 'For TWILIO_EMAIL; left out, an existing config keeps its details' })
  @Optional()
  @ValidateNested()
  @Type(() => TwilioEmailDetailsInput)
  twilioEmail?: TwilioEmailDetailsInput;

  @Field(() => MailchimpTransactionalDetailsInput, {
    nullable: true,
    description: 'For MAILCHIMP_TRANSACTIONAL; left out, an existing config keeps its details',
  })
  @Optional()
  @ValidateNested()
  @Type(() => MailchimpTransactionalDetailsInput)
  mailchimpTransactional?: MailchimpTransactionalDetailsInput;

  @Field(() => SmtpDetailsInput, { nullable: true, description: 'For SMTP; left out, an existing config keeps its details' })
  @Optional()
  @ValidateNested()
  @Type(() => SmtpDetailsInput)
  smtp?: SmtpDetailsInput;

  @Field(() => AwsSesDetailsInput, { nullable: true, description: 'For AWS_SES; left out, an existing config keeps its details' })
  @Optional()
  @ValidateNested()
  @Type(() => AwsSesDetailsInput)
  awsSes?: AwsSesDetailsInput;
}

@InputType()
export class MailgunSecretsInput {
  @Field() @Required() @IsString() @MaxLen(MAX_LENGTH.secret) apiKey: string;
  @Field({ nullable: true, description: "Mailgun's HTTP webhook signing key: verifies the delivery events it posts (decision D26)" })
  @Optional()
  @IsString()
  @MaxLen(MAX_LENGTH.secret)
  webhookSigningKey?: string;
}

@InputType()
export class TwilioTextSecretsInput {
  @Field() @Required() @IsString() @MaxLen(MAX_LENGTH.secret) accountSid: string;
  @Field() @Required() @IsString() @MaxLen(MAX_LENGTH.secret) authToken: string;
  @Field({ nullable: true }) @Optional() @IsString() @MaxLen(MAX_LENGTH.secret) messagingServiceSid?: string;
  @Field({ nullable: true, description: 'E.164, e.g. +15558675309' }) @Optional() @IsString() @MaxLen(MAX_LENGTH.short) senderPhoneNumber?: string;
}

@InputType()
export class TwilioEmailSecretsInput {
  @Field({ description: 'The SendGrid API key' }) @Required() @IsString() @MaxLen(MAX_LENGTH.secret) apiKey: string;
  @Field({ nullable: true, description: "The event webhook's verification key (base64 or PEM, ECDSA P-256): verifies the delivery events (decision D26)" })
  @Optional()
  @IsString()
  @MaxLen(MAX_LENGTH.secret)
  webhookPublicKey?: string;
}

@InputType()
export class MailchimpTransactionalSecretsInput {
  @Field() @Required() @IsString() @MaxLen(MAX_LENGTH.secret) apiKey: string;
  @Field({ nullable: true, description: "The Mandrill webhook's key: verifies the delivery events it posts (decision D26)" })
  @Optional()
  @IsString()
  @MaxLen(MAX_LENGTH.secret)
  webhookKey?: string;
}

@InputType()
export class SmtpSecretsInput {
  @Field() @Required() @IsString() @MaxLen(MAX_LENGTH.secret) username: string;
  @Field() @Required() @IsString() @MaxLen(MAX_LENGTH.secret) password: string;
}

@InputType()
export class AwsSesSecretsInput {
  @Field({ description: 'automatic (the default credential chain) or secret_keys (the key pair below)' })
  @Required()
  @IsString()
  @MaxLen(MAX_LENGTH.short)
  authMethod: string;
  @Field({ nullable: true }) @Optional() @IsString() @MaxLen(MAX_LENGTH.secret) accessKeyId?: string;
  @Field({ nullable: true }) @Optional() @IsString() @MaxLen(MAX_LENGTH.secret) secretAccessKey?: string;
  @Field({ nullable: true, description: 'An IAM role to assume (through STS) before sending' })
  @Optional()
  @IsString()
  @MaxLen(MAX_LENGTH.secret)
  assumeRoleArn?: string;
  @Field({
    nullable: true,
    description:
      'The SNS topic ARN(s), separated by commas, that SES publishes delivery events to; Herald takes SNS messages of these topics only (decision D26)',
  })
  @Optional()
  @IsString()
  @MaxLen(MAX_LENGTH.secret)
  snsTopicArn?: string;
}

@InputType({ description: "Exactly one of these, matching the config's service type" })
export class MessagingSecretsInput {
  @Field(() => MailgunSecretsInput, { nullable: true })
  @Optional()
  @ValidateNested()
  @Type(() => MailgunSecretsInput)
  mailgun?: MailgunSecretsInput;

  @Field(() => TwilioTextSecretsInput, { nullable: true })
  @Optional()
  @ValidateNested()
  @Type(() => TwilioTextSecretsInput)
  twilioText?: TwilioTextSecretsInput;

  @Field(() => TwilioEmailSecretsInput, { nullable: true })
  @Optional()
  @ValidateNested()
  @Type(() => TwilioEmailSecretsInput)
  twilioEmail?: TwilioEmailSecretsInput;

  @Field(() => MailchimpTransactionalSecretsInput, { nullable: true })
  @Optional()
  @ValidateNested()
  @Type(() => MailchimpTransactionalSecretsInput)
  mailchimpTransactional?: MailchimpTransactionalSecretsInput;

  @Field(() => SmtpSecretsInput, { nullable: true })
  @Optional()
  @ValidateNested()
  @Type(() => SmtpSecretsInput)
  smtp?: SmtpSecretsInput;

  @Field(() => AwsSesSecretsInput, { nullable: true })
  @Optional()
  @ValidateNested()
  @Type(() => AwsSesSecretsInput)
  awsSes?: AwsSesSecretsInput;
}
