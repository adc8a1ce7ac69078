import { createContext, useContext, useEffect, useState } from 'react';
import { LiveState } from './client';

export const LiveContext = createContext<LiveState>(new LiveState());

/** Whether the subscription connection is up right now. */
export function useLiveConnected(): boolean {
  const live = useContext(LiveContext);
  const [connected, setConnected] = useState(live.connected);
  useEffect(() => live.listen(setConnected), [live]);
  return connected;
}
