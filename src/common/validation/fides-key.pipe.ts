import { Injectable, Param, PipeTransform } from '@nestjs/common';
import { FIDES_KEY_MESSAGE, isFidesKey } from '../fides-key.js';
import { invalid } from '../errors/herald.error.js';

/** A path parameter that must be a FidesKey (422 at ["path", name] otherwise, as in Fides). */
@Injectable()
export class FidesKeyPipe implements PipeTransform<string, string> {
  constructor(private readonly name: string) {}

  transform(value: string): string {
    if (!isFidesKey(value)) throw invalid(['path', this.name], FIDES_KEY_MESSAGE, 'value_error');
    return value;
  }
}

export const FidesKeyParam = (name: string) => Param(name, new FidesKeyPipe(name));
