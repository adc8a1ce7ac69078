import { MessagingActionType } from '../../notifications/index.js';
import { AWAITED_ACTION_TYPES, EXECUTION_STEPS, FIRST_STEP, messageKeyPrefix, nextStep } from './execution-steps.js';

describe('the execution steps (one list)', () => {
  it("are Fides' steps in Fides' order, each followed by the next, the last by itself", () => {
    expect(EXECUTION_STEPS.map((step) => step.name)).toEqual([
      'access',
      'erasure',
      'erasure_email_post_send',
      'batch_email_send',
      'completion_notification',
      'finished',
    ]);
    expect(FIRST_STEP).toBe('access');
    expect(nextStep('access')).toBe('erasure');
    expect(nextStep('erasure')).toBe('erasure_email_post_send');
    expect(nextStep('erasure_email_post_send')).toBe('batch_email_send');
    expect(nextStep('batch_email_send')).toBe('completion_notification');
    expect(nextStep('completion_notification')).toBe('finished');
    expect(nextStep('finished')).toBe('finished');
  });

  it('name the messages a run waits for, and the start of their idempotency keys', () => {
    expect([...AWAITED_ACTION_TYPES].sort()).toEqual(
      [
        MessagingActionType.MESSAGE_ERASURE_FULFILLMENT,
        MessagingActionType.PRIVACY_REQUEST_COMPLETE_ACCESS,
        MessagingActionType.PRIVACY_REQUEST_COMPLETE_DELETION,
      ].sort(),
    );
    expect(messageKeyPrefix('pri_1', 'erasure_email_post_send')).toBe('pr:pri_1:erasure:');
    expect(messageKeyPrefix('pri_1', 'completion_notification')).toBe('pr:pri_1:completion:');
  });
});
