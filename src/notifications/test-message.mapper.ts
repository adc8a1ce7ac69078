import type { Static } from '../common/openapi.js';
import type { TestMessageInput, TestMessageRequestDto, TestMessageResultObject } from './messages.dto.js';
import type { FirstAttempt } from './notifications.service.js';
import type { TEST_MESSAGE_RESULT } from './notifications.openapi.js';
import type { TestMessageCommand } from './test-message.service.js';

// The test message (decision D15) on the wire. The service locates a missing recipient at the command's field
// (`phoneNumber`, `email`): REST puts it in the body's names under `body` (`['body', 'phone_number']`), GraphQL under
// its argument (`['input', 'phoneNumber']`), with `RequestValidationError.prefixed`.

export const testMessageCommandOfBody = (body: TestMessageRequestDto): TestMessageCommand => ({
  serviceType: body.service_type,
  email: body.email,
  phoneNumber: body.phone_number,
});

export type TestMessageResponse = Static<typeof TEST_MESSAGE_RESULT>;

/** The REST answer; `msg` says in words how it went. */
export const toTestMessageResponse = (result: FirstAttempt, msg = testMessageSummary(result)): TestMessageResponse => ({
  msg,
  message_id: result.messageId,
  status: result.status,
  failure_reason: result.reason,
});

export const testMessageCommandOfInput = (input: TestMessageInput): TestMessageCommand => ({
  serviceType: input.serviceType,
  email: input.email,
  phoneNumber: input.phoneNumber,
});

export const toTestMessageResultObject = (result: FirstAttempt): TestMessageResultObject => ({
  messageId: result.messageId,
  status: result.status,
  failureReason: result.reason,
});

/** What became of a test message, in words: the outcome, with the attempt's failure reason when there is one. */
export function testMessageSummary(result: Pick<FirstAttempt, 'status' | 'reason'>): string {
  if (result.status === 'sent') return 'Test message sent.';
  if (result.status === 'failed') return result.reason ? `The test message could not be sent: ${result.reason}` : 'The test message could not be sent.';
  if (result.status === 'queued' && result.reason) return `The test message was queued for another attempt: ${result.reason}`;
  // No attempt finished within the wait: the message is still on its way.
  return 'The test message has not been sent yet: its first attempt did not finish in time.';
}
