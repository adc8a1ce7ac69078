import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsString, MinLength, ValidateNested } from 'class-validator';
import { BulkResultOf, FailureOf, PageOf } from '../../../common/graphql-types.js';
import { MaxItems, MaxLen, Optional, Required } from '../../../common/validation/fides-validators.js';

@ObjectType('MessagingTemplateContent', { description: 'What a template says, with __VARIABLE__s (decision D32)' })
export class TemplateContentObject {
  @Field() subject: string;
  @Field({ description: 'Sanitised HTML' }) body: string;
  @Field(() => String, { nullable: true, description: 'The SMS text; null: the built-in one' }) sms: string | null;
}

@ObjectType('MessagingTemplateBasic', { description: 'The base template of a customizable type (stored or built-in)' })
export class BasicTemplateObject {
  @Field() type: string;
  @Field() label: string;
  @Field(() => TemplateContentObject) content: TemplateContentObject;
}

@ObjectType('MessagingTemplate', { description: 'A stored template: one locale variant of one customizable type' })
export class TemplateObject {
  @Field(() => ID) id: string;
  @Field() type: string;
  @Field() label: string;
  @Field({ description: "A canonical BCP 47 tag, or '' for the base variant" }) locale: string;
  @Field({ description: 'The enabled template of a type and locale is the one messages use' }) isEnabled: boolean;
  @Field(() => TemplateContentObject) content: TemplateContentObject;
  @Field() createdAt: Date;
  @Field() updatedAt: Date;
}

@ObjectType('MessagingTemplatePage')
export class TemplatePageObject extends PageOf(TemplateObject) {}

@ObjectType('MessagingTemplatePreview', { description: 'A rendering that was neither stored nor sent' })
export class TemplatePreviewObject {
  @Field() type: string;
  @Field({ description: "The variant shown ('' for the base)" }) locale: string;
  @Field() subject: string;
  @Field({ description: 'The whole HTML document' }) html: string;
  @Field({ description: 'The plain-text part' }) text: string;
  @Field() sms: string;
}

@ObjectType('MessagingTemplateFailedItem')
export class BasicTemplateFailedItemObject {
  @Field(() => String, { nullable: true }) type: string | null;
}

@ObjectType('MessagingTemplateFailure')
export class BasicTemplateFailureObject extends FailureOf(BasicTemplateFailedItemObject) {}

@ObjectType('MessagingTemplateBulkResult')
export class BasicTemplateBulkResultObject extends BulkResultOf(BasicTemplateObject, BasicTemplateFailureObject) {}

@InputType('MessagingTemplateContentInput', { description: 'Blank subject or body: the built-in one; blank sms: the built-in SMS text' })
export class TemplateContentInput {
  @Field(() => String, { nullable: true }) @Optional() @IsString() subject?: string | null;
  @Field(() => String, { nullable: true, description: 'HTML, sanitised when stored' }) @Optional() @IsString() body?: string | null;
  @Field(() => String, { nullable: true }) @Optional() @IsString() sms?: string | null;
}

@InputType('MessagingTemplateInput', { description: 'Create (content and isEnabled required) or change a template' })
export class TemplateInput {
  @Field(() => TemplateContentInput, { nullable: true }) @Optional() @ValidateNested() @Type(() => TemplateContentInput) content?: TemplateContentInput | null;
  @Field(() => Boolean, { nullable: true }) @Optional() @IsBoolean() isEnabled?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Unique per type; default: the type\'s label, or "<label> (2)"...' })
  @Optional()
  @IsString()
  @MinLength(1, { message: 'ensure this value has at least 1 characters', context: { type: 'value_error.any_str.min_length' } })
  @MaxLen(255)
  label?: string | null;
  @Field(() => String, { nullable: true, description: "BCP 47; null or '' for the base variant" }) @Optional() @IsString() locale?: string | null;
}

@InputType('MessagingTemplateBasicInput')
export class BasicTemplateInput {
  @Field() @Required() @IsString() type: string;
  @Field(() => TemplateContentInput) @Required() @ValidateNested() @Type(() => TemplateContentInput) content: TemplateContentInput;
}

@InputType('MessagingTemplateVariableInput')
export class TemplateVariableInput {
  @Field({ description: 'The variable, e.g. CODE' }) @Required() @IsString() name: string;
  @Field() @Required() @IsString() value: string;
}

@InputType('MessagingTemplatePreviewInput')
export class TemplatePreviewInput {
  @Field(() => TemplateContentInput, { nullable: true, description: 'Content to try; absent: what a message in the locale would use' })
  @Optional()
  @ValidateNested()
  @Type(() => TemplateContentInput)
  content?: TemplateContentInput | null;
  @Field(() => String, { nullable: true }) @Optional() @IsString() locale?: string | null;
  @Field(() => [TemplateVariableInput], { nullable: true, description: 'Values; the other variables get samples' })
  @Optional()
  @IsArray()
  @MaxItems(20)
  @ValidateNested({ each: true })
  @Type(() => TemplateVariableInput)
  variables?: TemplateVariableInput[] | null;
}
