/** Who a message is for: the identity of a data subject, or a third party's address. */
export interface Recipient {
  email?: string | null;
  phone_number?: string | null;
}

/** A recipient as logs and APIs may show it: enough to recognise, not enough to contact. */
export function maskRecipient(recipient: Recipient): string | null {
  const parts: string[] = [];
  if (recipient.email) {
    const [local, domain] = recipient.email.split('@');
    parts.push(`${local.slice(0, 1)}***@${domain ?? ''}`);
  }
  if (recipient.phone_number) parts.push(`***${recipient.phone_number.slice(-2)}`);
  return parts.length > 0 ? parts.join(', ') : null;
}
