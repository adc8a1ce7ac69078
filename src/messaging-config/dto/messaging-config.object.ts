import { createUnionType, Field, ObjectType } from '@nestjs/graphql';
import { PageOf } from '../../common/graphql-types.js';
import { MessagingServiceType } from '../../common/messaging-service-type.graphql.js';

@ObjectType('MailgunDetails')
export class MailgunDetailsObject {
  @Field() domain: string;
  @Field() isEuDomain: boolean;
  @Field() apiVersion: string;
}

@ObjectType('TwilioEmailDetails')
export class TwilioEmailDetailsObject {
  @Field({ description: 'The SendGrid sender address' }) twilioEmailFrom: string;
}

export const MessagingConfigDetailsUnion = createUnionType({
  name: 'MessagingConfigDetails',
  types: () => [MailgunDetailsObject, TwilioEmailDetailsObject] as const,
  resolveType: (value: object) => ('domain' in value ? MailgunDetailsObject : TwilioEmailDetailsObject),
});

@ObjectType('MessagingConfig', { description: 'A messaging provider configuration; secrets are write-only' })
export class MessagingConfigObject {
  @Field() key: string;
  @Field() name: string;
  @Field(() => MessagingServiceType) serviceType: MessagingServiceType;
  @Field(() => MessagingConfigDetailsUnion, { nullable: true }) details: MailgunDetailsObject | TwilioEmailDetailsObject | null;
  /** Internal: the config's id, for resolving `hasSecrets`; not a GraphQL field. */
  id: string;
  /** Internal: `hasSecrets` when already known (lists fetch it for every item in one query). */
  knownHasSecrets?: boolean;
  @Field() createdAt: Date;
  @Field() updatedAt: Date;
}

@ObjectType('MessagingConfigPage')
export class MessagingConfigPageObject extends PageOf(MessagingConfigObject) {}
