import type { FakeHttpServer, FakeServerOptions, RecordedRequest } from './fake-http-server.mjs';

/** The parts of a SigV4 `Authorization` header. */
export interface SigV4 {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export function parseSigV4(header: string | undefined): SigV4 | undefined;

/** SES's identity verification states, and NOT_FOUND for an identity SES does not know (404). */
export type IdentityStatus = 'SUCCESS' | 'PENDING' | 'FAILED' | 'TEMPORARY_FAILURE' | 'NOT_STARTED' | 'NOT_FOUND';

export interface AwsSesFakeOptions extends FakeServerOptions {
  /** The only region accepted in the credential scope; any when not given. */
  region?: string;
  /** The only long-term access key id accepted (assumed-role keys the fake issued are accepted too); any when not given. */
  accessKeyId?: string;
  /** What an identity the fake was told nothing about is; default SUCCESS. */
  identityStatus?: IdentityStatus;
  /** Lifetime of assumed-role credentials; default the DurationSeconds asked for, else 3600. */
  assumedRoleSeconds?: number;
}

/** A recorded request with its parsed SigV4 header (set once the fake has looked at it). */
export type AwsRecordedRequest = RecordedRequest & { sigv4?: SigV4 };

export interface AwsSesFake extends FakeHttpServer {
  /** The next `count` SendEmail calls answer 429 TooManyRequestsException (retryable). */
  throttleNext(count?: number): void;
  /** The next `count` SendEmail calls answer 400 MessageRejected (permanent). */
  rejectNext(count?: number): void;
  /** What GetEmailIdentity answers for an identity (until reset); SendEmail from an unverified one is MessageRejected. */
  setIdentityStatus(identity: string, status: IdentityStatus): void;
  sends(): AwsRecordedRequest[];
  identityChecks(): AwsRecordedRequest[];
  assumeRoleCalls(): AwsRecordedRequest[];
  /** Every AssumeRole answered: the role, the session name, the key that asked, the temporary key handed out. */
  readonly assumedRoles: { roleArn: string; roleSessionName: string; callerAccessKeyId: string; accessKeyId: string }[];
}

export function startAwsSesFake(options?: AwsSesFakeOptions): Promise<AwsSesFake>;
