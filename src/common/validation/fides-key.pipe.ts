import { Injectable, Param, PipeTransform } from '@nestjs/common';
import { Args } from '@nestjs/graphql';
import { FIDES_KEY_MESSAGE, isFidesKey } from '../fides-key.js';
import { invalid } from '../errors/herald.error.js';

/** A key that must be a FidesKey: 422 at ["path", name] over REST, as in Fides; BAD_USER_INPUT at [name] in GraphQL. */
@Injectable()
export class FidesKeyPipe implements PipeTransform<string, string> {
  constructor(private readonly loc: string[]) {}

  transform(value: string): string {
    if (!isFidesKey(value)) throw invalid(this.loc, FIDES_KEY_MESSAGE, 'value_error');
    return value;
  }
}

export const FidesKeyParam = (name: string) => Param(name, new FidesKeyPipe(['path', name]));
export const FidesKeyArg = (name: string) => Args(name, new FidesKeyPipe([name]));
