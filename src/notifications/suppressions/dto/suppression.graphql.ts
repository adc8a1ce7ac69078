import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { IsString, Matches } from 'class-validator';
import { PageOf } from '../../../common/graphql-types.js';
import { Email, Optional } from '../../../common/validation/fides-validators.js';
import { PHONE, PHONE_MESSAGE } from './suppression.request.dto.js';

@ObjectType('Suppression', { description: 'A recipient Herald no longer sends to (decision D28); the address is masked' })
export class SuppressionObject {
  @Field(() => ID) id: string;
  @Field() recipientHint: string;
  @Field({ description: 'email or sms' }) channel: string;
  @Field({ description: 'bounce, complaint or manual' }) cause: string;
  @Field(() => String, { nullable: true, description: 'The message whose bounce or complaint suppressed the recipient' }) messageId: string | null;
  @Field() createdAt: Date;
}

@ObjectType('SuppressionPage')
export class SuppressionPageObject extends PageOf(SuppressionObject) {}

@InputType({ description: 'Exactly one of email and phoneNumber' })
export class AddSuppressionInput {
  @Field(() => String, { nullable: true }) @Optional() @IsString() @Email() email?: string | null;
  @Field(() => String, { nullable: true, description: 'E.164' }) @Optional() @IsString() @Matches(PHONE, PHONE_MESSAGE) phoneNumber?: string | null;
}
