import { BatchTemplates } from './message-renderer.js';
import type { MessagingTemplatesService } from './messaging-templates.service.js';
import { MessagingActionType } from './messaging-action-type.js';

/** The service's one query, recorded: what BatchTemplates must call once per batch, for the batch's types. */
function recordingTemplates(rows: { type: string; locale: string; content: object }[]) {
  const calls: string[][] = [];
  const service = {
    enabledVariantsOf: async (types: string[]) => {
      calls.push(types);
      return rows.filter((row) => types.includes(row.type));
    },
  } as unknown as MessagingTemplatesService;
  return { service, calls };
}

describe('BatchTemplates', () => {
  const DENY = MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY;
  const APPROVE = MessagingActionType.PRIVACY_REQUEST_REVIEW_APPROVE;

  it("reads the batch's customizable types once, on the first message that needs them", async () => {
    const { service, calls } = recordingTemplates([
      { type: DENY, locale: '', content: { subject: 'base' } },
      { type: DENY, locale: 'es', content: { subject: 'es' } },
    ]);
    const batch = new BatchTemplates(service, [DENY, DENY, APPROVE, DENY]);
    expect(calls).toHaveLength(0);
    const [first, second, other] = await Promise.all([batch.of(DENY), batch.of(DENY), batch.of(APPROVE)]);
    expect(first.map((t) => t.locale).sort()).toEqual(['', 'es']);
    expect(second).toEqual(first);
    expect(other).toEqual([]);
    expect(calls).toHaveLength(1);
    expect([...calls[0]].sort()).toEqual([APPROVE, DENY].sort());
  });

  it('fails each message that needs the templates when the read fails, and reads nothing for the others', async () => {
    const service = {
      enabledVariantsOf: async () => {
        throw new Error('database down');
      },
    } as unknown as MessagingTemplatesService;
    const batch = new BatchTemplates(service, [DENY, MessagingActionType.TEST_MESSAGE]);
    await expect(batch.of(MessagingActionType.TEST_MESSAGE)).resolves.toEqual([]);
    await expect(batch.of(DENY)).rejects.toThrow('database down');
    await expect(batch.of(DENY)).rejects.toThrow('database down');
  });
});
