import { MessagingActionType } from '../../notifications/index.js';

/** The messages a step sends and then waits for. */
interface AwaitedMessages {
  /** Their idempotency keys start `pr:<request id>:<keyPart>:` (see `messageKeyPrefix`). */
  keyPart: string;
  /** Their action types: the final outcome of one wakes the run. */
  actionTypes: readonly MessagingActionType[];
}

/**
 * The steps of a run, in order, with Fides' names: the one list. A run starts at the first, a failed run resumes at
 * its stored step, and a step that is done hands over to the next (`RequestRunner` says what each does). A step that
 * sends messages ends the pass and waits for them (`awaits`).
 */
export const EXECUTION_STEPS = [
  { name: 'access' },
  { name: 'erasure' },
  { name: 'erasure_email_post_send', awaits: { keyPart: 'erasure', actionTypes: [MessagingActionType.MESSAGE_ERASURE_FULFILLMENT] } },
  // Decision D34: parks the request until a batch email lists it (its messages are the batch's, see EmailBatchSender).
  { name: 'batch_email_send' },
  {
    name: 'completion_notification',
    awaits: {
      keyPart: 'completion',
      actionTypes: [MessagingActionType.PRIVACY_REQUEST_COMPLETE_ACCESS, MessagingActionType.PRIVACY_REQUEST_COMPLETE_DELETION],
    },
  },
  { name: 'finished' },
] as const satisfies readonly { name: string; awaits?: AwaitedMessages }[];

export type ExecutionStep = (typeof EXECUTION_STEPS)[number]['name'];

/** What a step came to: on to the next, wait (for messages or a batch), or stop in `error` with the reason. */
export type StepOutcome = 'next' | 'wait' | { error: string };

/** Where a run starts. */
export const FIRST_STEP: ExecutionStep = EXECUTION_STEPS[0].name;

const NAMES: readonly ExecutionStep[] = EXECUTION_STEPS.map((step) => step.name);

/** The step after `step` (the last one is its own next). */
export function nextStep(step: ExecutionStep): ExecutionStep {
  return NAMES[Math.min(NAMES.indexOf(step) + 1, NAMES.length - 1)];
}

/** The action types of every message a run waits for: their final outcomes wake it. */
export const AWAITED_ACTION_TYPES: readonly string[] = EXECUTION_STEPS.flatMap((step) => ('awaits' in step ? step.awaits.actionTypes : []));

type AwaitingStep = Extract<(typeof EXECUTION_STEPS)[number], { awaits: AwaitedMessages }>;

/** The start of the idempotency keys of the messages `step` sends for the request. */
export function messageKeyPrefix(requestId: string, step: AwaitingStep['name']): string {
  const { awaits } = EXECUTION_STEPS.find((s): s is AwaitingStep => s.name === step)!;
  return `pr:${requestId}:${awaits.keyPart}:`;
}
