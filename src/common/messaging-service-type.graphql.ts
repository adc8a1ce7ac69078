import { registerEnumType } from '@nestjs/graphql';
import { MessagingServiceType } from './messaging-service-type.js';

registerEnumType(MessagingServiceType, { name: 'MessagingServiceType', description: 'A messaging provider' });

export { MessagingServiceType };
