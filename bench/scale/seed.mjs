// Seeds a migrated Herald database with `size` messages in one pass of generate_series per table: a year of privacy
// requests (one per four messages), each with its verification code, receipt, review and completion messages (1% of
// messages are test messages of no request), the messages' attempts, and the requests' audit and execution logs.
// Every value is derived from the row's number through hashint4, so a size always seeds the same rows; message m has
// the id md5('m' || m)::uuid and request g the id 'pri_' || md5('pr' || g)::uuid, which the benchmark picks from.
//
// Proportions (of messages): 3% failed (half after one permanent error, half after 10 attempts), the newest 0.05%
// queued or sending, the rest sent (90% at the first attempt, 8% at the second, 2% at the third); 10% by SMS.
// Requests: the newest 1% still in the work queue (pending, approved, in processing, unverified, needing input,
// paused); older ones 84% complete, 6% denied, 3% error, 3% canceled, 3% never verified, 1% needing input.

/** How many privacy requests go with `size` messages. */
export const requestsFor = (size) => Math.max(1, Math.ceil(size / 4));

/** The id of seeded message `m` (1-based) and of seeded privacy request `g`, as the database computes them. */
export const messageIdSql = (m) => `md5('m' || ${m})::uuid`;
export const requestIdSql = (g) => `'pri_' || md5('pr' || ${g})::uuid`;

/** Rows seeded per table, for the report. */
export async function seededCounts(client) {
  const { rows } = await client.query(`SELECT
    (SELECT count(*) FROM message)::int AS messages,
    (SELECT count(*) FROM message_attempt)::int AS attempts,
    (SELECT count(*) FROM privacy_request)::int AS requests,
    (SELECT count(*) FROM audit_log)::int AS audit_logs,
    (SELECT count(*) FROM execution_log)::int AS execution_logs`);
  return rows[0];
}

/**
 * @param {import('pg').Client} client connected to the migrated, empty database
 * @param {number} size messages to seed
 * @param {(line: string) => void} log
 */
export async function seed(client, size, log) {
  const requests = requestsFor(size);
  const step = async (what, sql, params = []) => {
    const started = performance.now();
    const result = await client.query(sql, params);
    log(`  ${what}: ${result.rowCount ?? 0} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };
  // The request's moment: evenly over the last 365 days, request g = requests the newest, 10 minutes ago at most.
  const at = (g) => `now() - interval '10 minutes' - make_interval(secs => (${requests} - ${g})::float8 * 31536000 / ${requests})`;
  const { rows: policies } = await client.query(`SELECT id, key FROM policy WHERE key IN ('default_access_policy', 'default_erasure_policy') ORDER BY key`);
  if (policies.length !== 2) throw new Error("the database has no default policies: are Herald's migrations applied?");
  const [access, erasure] = policies.map((p) => p.id);

  await step(
    'privacy_request',
    `INSERT INTO privacy_request (id, policy_id, status, external_id, identity, email_hash, requested_at, due_date, identity_verified_at,
       reviewed_at, reviewed_by, started_processing_at, finished_processing_at, failure_reason, created_at, updated_at)
     SELECT ${requestIdSql('g')}, CASE WHEN h % 10 < 6 THEN $1::uuid ELSE $2::uuid END, status,
       CASE WHEN h % 5 = 0 THEN 'ext-' || g END,
       'v1.' || encode(sha256(('identity' || g)::bytea), 'base64') || encode(sha256(('tag' || g)::bytea), 'base64'),
       encode(sha256(('email' || g)::bytea), 'hex'),
       t, t + interval '45 days',
       CASE WHEN status NOT IN ('identity_unverified') THEN t + interval '3 minutes' END,
       CASE WHEN status IN ('approved', 'denied', 'in_processing', 'complete', 'error', 'paused', 'canceled', 'requires_input') THEN t + interval '1 hour' END,
       CASE WHEN status IN ('approved', 'denied', 'in_processing', 'complete', 'error', 'paused', 'canceled', 'requires_input') THEN 'system' END,
       CASE WHEN status IN ('in_processing', 'complete', 'error', 'paused', 'requires_input') THEN t + interval '1 hour 1 minute' END,
       CASE WHEN status IN ('complete', 'error') THEN t + interval '1 hour 5 minutes' END,
       CASE WHEN status = 'error' THEN 'Connector postgres_example failed: connection refused' END,
       t, t + interval '1 hour 5 minutes'
     FROM (
       SELECT g, h, t,
         CASE WHEN g > ${requests} * 0.99 THEN (ARRAY['pending', 'pending', 'pending', 'approved', 'in_processing', 'in_processing',
                                                      'identity_unverified', 'identity_unverified', 'requires_input', 'paused'])[h % 10 + 1]
              WHEN h % 100 < 84 THEN 'complete' WHEN h % 100 < 90 THEN 'denied' WHEN h % 100 < 93 THEN 'error'
              WHEN h % 100 < 96 THEN 'canceled' WHEN h % 100 < 99 THEN 'identity_unverified' ELSE 'requires_input' END AS status
       FROM (SELECT g, abs(hashint4(g)) AS h, ${at('g')} AS t FROM generate_series(1, ${requests}) g) numbered
     ) s`,
    [access, erasure],
  );

  // Message m belongs to request (m - 1) / 4 + 1 and is its verification code (k = 0), receipt, review or completion.
  const fresh = Math.max(20, Math.floor(size / 2000));
  await step(
    'message',
    `INSERT INTO message (id, idempotency_key, action_type, service_type_rule, service_type, channel, status, recipient_hint, payload,
       privacy_request_id, attempts, provider_message_id, failure_reason, sent_at, created_at, updated_at)
     SELECT ${messageIdSql('m')}, 'seed:' || m, action, CASE WHEN action = 'test_message' THEN 'MAILGUN' ELSE 'notification' END,
       CASE WHEN status <> 'queued' THEN CASE WHEN sms THEN 'TWILIO_TEXT' ELSE 'MAILGUN' END END,
       CASE WHEN status <> 'queued' THEN CASE WHEN sms THEN 'sms' ELSE 'email' END END,
       status,
       CASE WHEN sms THEN '***' || lpad((m % 100)::text, 2, '0') ELSE substr(md5(m::text), 1, 1) || '***@example.com' END,
       'v1.' || encode(sha512(('payload' || m)::bytea), 'base64') || encode(sha256(('tag' || m)::bytea), 'base64'),
       CASE WHEN action <> 'test_message' THEN ${requestIdSql('(m - 1) / 4 + 1')} END,
       attempts,
       CASE WHEN status = 'sent' THEN '<' || md5('provider' || m) || '@bench.example.com>' END,
       CASE WHEN status = 'failed' THEN CASE WHEN attempts = 1 THEN 'Mailgun answered 400: to parameter is not a valid address'
                                            ELSE 'Mailgun answered 503: service unavailable' END END,
       CASE WHEN status = 'sent' THEN t + make_interval(secs => 2 + 30 * (attempts - 1)) END,
       t, t + make_interval(secs => 2 + 30 * greatest(attempts - 1, 0))
     FROM (
       SELECT m, action, status, sms, t,
         CASE status WHEN 'queued' THEN 0 WHEN 'sending' THEN 0 WHEN 'failed' THEN CASE WHEN h % 2 = 0 THEN 1 ELSE 10 END
              ELSE CASE WHEN h % 100 BETWEEN 3 AND 10 THEN 2 WHEN h % 100 BETWEEN 11 AND 12 THEN 3 ELSE 1 END END AS attempts
       FROM (
         SELECT m, h, h % 10 = 9 AS sms,
           ${at('((m - 1) / 4 + 1)')} + make_interval(mins => ((m - 1) % 4) * 2) AS t,
           CASE WHEN h % 100 = 50 THEN 'test_message'
                WHEN (m - 1) % 4 = 0 THEN 'subject_identity_verification'
                WHEN (m - 1) % 4 = 1 THEN 'privacy_request_receipt'
                WHEN (m - 1) % 4 = 2 THEN CASE WHEN h % 20 = 7 THEN 'privacy_request_review_deny' ELSE 'privacy_request_review_approve' END
                WHEN h % 10 = 1 THEN 'message_erasure_fulfillment'
                WHEN h % 3 = 0 THEN 'privacy_request_complete_deletion' ELSE 'privacy_request_complete_access' END AS action,
           CASE WHEN m > ${size} - ${fresh} THEN CASE WHEN h % 4 = 0 THEN 'sending' ELSE 'queued' END
                WHEN h % 100 < 3 THEN 'failed' ELSE 'sent' END AS status
         FROM (SELECT m, abs(hashint4(m # 1431655765)) AS h FROM generate_series(1, ${size}) m) numbered
       ) s
     ) s2`,
  );

  await step(
    'message_attempt',
    `INSERT INTO message_attempt (message_id, number, outcome, status_code, reason, started_at, finished_at)
     SELECT m.id, n,
       CASE WHEN n < m.attempts THEN 'retry' WHEN m.status = 'failed' THEN 'failed' ELSE 'sent' END,
       CASE WHEN n < m.attempts THEN 503 WHEN m.status = 'failed' THEN 400 ELSE 200 END,
       CASE WHEN n < m.attempts THEN 'Mailgun answered 503: service unavailable' WHEN m.status = 'failed' THEN m.failure_reason END,
       m.created_at + make_interval(secs => 30 * (n - 1)), m.created_at + make_interval(secs => 30 * (n - 1) + 1)
     FROM message m CROSS JOIN LATERAL generate_series(1, m.attempts) n`,
  );

  await step(
    'audit_log',
    `INSERT INTO audit_log (privacy_request_id, action, user_id, message, created_at)
     SELECT r.id, a.action, 'system', '', r.created_at + a.after
     FROM privacy_request r
     CROSS JOIN LATERAL (VALUES ('approved', interval '1 hour'), ('finished', interval '1 hour 5 minutes')) a(action, after)
     WHERE (a.action = 'approved' AND r.status NOT IN ('identity_unverified', 'pending', 'denied')) OR (a.action = 'finished' AND r.status = 'complete')`,
  );
  await step(
    'execution_log',
    `INSERT INTO execution_log (privacy_request_id, dataset_name, collection_name, fields_affected, action_type, status, message, created_at, updated_at)
     SELECT r.id, 'postgres_example', c.collection, '[{"path": "customer.email", "field_name": "email", "data_categories": ["user.contact.email"]}]'::jsonb,
       CASE WHEN r.policy_id = $1::uuid THEN 'access' ELSE 'erasure' END, 'complete', NULL, r.started_processing_at, r.started_processing_at + c.after
     FROM privacy_request r
     CROSS JOIN LATERAL (VALUES ('customer', interval '1 minute'), ('orders', interval '2 minutes')) c(collection, after)
     WHERE r.status = 'complete'`,
    [access],
  );
  const started = performance.now();
  for (const table of ['privacy_request', 'message', 'message_attempt', 'audit_log', 'execution_log']) await client.query(`VACUUM (ANALYZE) ${table}`);
  log(`  vacuum and analyze: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
