import { Field, ObjectType, Query, Resolver } from '@nestjs/graphql';
import type { Caller } from './oauth-clients.service.js';
import { CurrentCaller, Scopes } from './scopes.decorator.js';

@ObjectType({ description: 'Who the bearer token speaks for' })
export class AuthInfo {
  @Field()
  clientId: string;

  @Field(() => [String])
  scopes: string[];

  @Field({ description: 'True for the root client configured in settings' })
  root: boolean;
}

@Resolver(() => AuthInfo)
export class AuthInfoResolver {
  @Query(() => AuthInfo, { description: 'The caller: client id and scopes (any valid token)' })
  @Scopes()
  authInfo(@CurrentCaller() caller: Caller): AuthInfo {
    return { clientId: caller.clientId, scopes: caller.scopes, root: caller.root };
  }
}
