/** The identity types a connector lists (the connections module's secrets, as this module reads them). */
export interface ErasureEmailIdentityTypesView {
  email: boolean;
  phone_number: boolean;
}

/** A request's identity, opened from its vault. */
export interface RequestIdentity {
  email?: string | null;
  phone_number?: string | null;
}

/** What a batch run did (decision D34). */
export interface EmailBatchRun {
  /** False when another run held the lock (another instance is sending this batch). */
  ran: boolean;
  batchId: string | null;
  /** Waiting requests the run took. */
  requests: number;
  /** Emails enqueued, one per connector with something to list. */
  emails: number;
}

/** The schedule and when it next fires (decision D34). */
export interface EmailBatchSchedule {
  cronExpression: string;
  timezone: string;
  nextRunAt: Date;
  /** `nextRunAt` as ISO-8601 with the time zone's own offset at that moment. */
  nextRunLocal: string;
  /** Requests waiting in `awaiting_email_send` now. */
  awaiting: number;
}
