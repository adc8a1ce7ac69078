import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsBoolean, IsObject, IsString, MinLength } from 'class-validator';
import { MaxLen, Optional } from '../../../common/validation/fides-validators.js';

const CONTENT = {
  type: 'object',
  description: '`{subject, body, sms}`: blank subject or body is the built-in one; blank sms keeps the built-in SMS text',
  properties: { subject: { type: 'string' }, body: { type: 'string', description: 'HTML, sanitised when stored' }, sms: { type: 'string', nullable: true } },
} as const;

/**
 * Body of `POST /messaging/templates/{type}` and `PUT /messaging/templates/{id}` (content and is_enabled required,
 * checked by the service) and of PATCH (all optional). Content is checked field by field by the service.
 */
export class TemplateRequestDto {
  @ApiPropertyOptional(CONTENT) @Optional() @IsObject() content?: Record<string, unknown> | null;
  @ApiPropertyOptional({ description: 'The enabled template of a type and locale is the one messages use' })
  @Optional()
  @IsBoolean()
  is_enabled?: boolean | null;
  @ApiPropertyOptional({ description: 'Unique per type; a new template without one gets the default label, or "<label> (2)"...' })
  @Optional()
  @IsString()
  @MinLength(1, { message: 'ensure this value has at least 1 characters', context: { type: 'value_error.any_str.min_length' } })
  @MaxLen(255)
  label?: string | null;
  @ApiPropertyOptional({ description: "BCP 47 (es, es-MX); null or '' for the base variant", nullable: true })
  @Optional()
  @IsString()
  locale?: string | null;
  @ApiPropertyOptional({ type: [String], description: 'Fides property ids: only an empty list is accepted' })
  @Optional()
  @IsArray()
  properties?: unknown[] | null;
}

/** Body of `POST /messaging/templates/{type}/preview`. */
export class TemplatePreviewRequestDto {
  @ApiPropertyOptional({ ...CONTENT, description: 'Content to try; absent: what a message in `locale` would use' })
  @Optional()
  @IsObject()
  content?: Record<string, unknown> | null;
  @ApiPropertyOptional({ description: 'BCP 47; null or absent for the base variant', nullable: true }) @Optional() @IsString() locale?: string | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'Values by variable name (CODE); the rest are samples' })
  @Optional()
  @IsObject()
  variables?: Record<string, unknown> | null;
}

/** One item of `PUT /messaging/templates` (the list is checked item by item by the service, as Fides does). */
export class BasicTemplateRequestDto {
  @ApiProperty() type: string;
  @ApiProperty(CONTENT) content: Record<string, unknown>;
}
