import { Injectable, Param, PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { invalid } from '../errors/herald.error.js';
import { MessagingServiceType, parseMessagingServiceType } from '../messaging-service-type.js';

/**
 * A `{service_type}` path segment of the later Fides routes (decision D31): any case (`MAILGUN`, `mailgun`), the
 * `twilio_sms` alias; anything else is a 422 at ["path", name] listing the permitted values as Fides spells them now.
 */
@Injectable()
export class ServiceTypePipe implements PipeTransform<string, MessagingServiceType> {
  constructor(private readonly loc: string[]) {}

  transform(value: string): MessagingServiceType {
    const parsed = parseMessagingServiceType(value);
    if (parsed) return parsed;
    const permitted = Object.values(MessagingServiceType)
      .map((type) => `'${type.toLowerCase()}'`)
      .join(', ');
    throw invalid(this.loc, `value is not a valid enumeration member; permitted: ${permitted}`, 'type_error.enum');
  }
}

export const ServiceTypeParam = (name: string) => Param(name, new ServiceTypePipe(['path', name]));

/** Documents a `{service_type}` path segment (a method decorator, beside `ServiceTypeParam` on the parameter). */
export const ApiServiceTypeParam = (name = 'service_type') =>
  ApiParam({ name, description: 'Any case', enum: Object.values(MessagingServiceType).map((type) => type.toLowerCase()) });
