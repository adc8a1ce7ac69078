// Subscriptions as effects: each result goes to a callback (the screens merge it into what they show).
import { useEffect, useRef, useState } from 'react';
import { useClient, type AnyVariables, type CombinedError, type TypedDocumentNode } from 'urql';

export function useLive<Data, Variables extends AnyVariables>(
  query: TypedDocumentNode<Data, Variables>,
  variables: Variables,
  onData: (data: Data) => void,
  pause = false,
): CombinedError | undefined {
  const client = useClient();
  const [error, setError] = useState<CombinedError | undefined>();
  const callback = useRef(onData);
  callback.current = onData;
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (pause) return;
    setError(undefined);
    const subscription = client.subscription(query, JSON.parse(key) as Variables).subscribe((result) => {
      if (result.error) setError(result.error);
      else if (result.data) callback.current(result.data);
    });
    return () => subscription.unsubscribe();
  }, [client, query, key, pause]);
  return error;
}
