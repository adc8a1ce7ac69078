import { Inject, Injectable } from '@nestjs/common';
import { SignJWT, errors, jwtVerify } from 'jose';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { open, seal } from '../../common/crypto-envelope.js';
import { SETTINGS, type Settings } from '../../config/settings.js';

export type LinkCheck = 'valid' | 'invalid' | 'expired';

/**
 * Access packages: sealed JSON files under `<data dir>/access-packages/`, handed out through signed links that expire
 * after FIDES__SECURITY__SUBJECT_REQUEST_DOWNLOAD_LINK_TTL_SECONDS (decision D8: the notice states that lifetime).
 */
@Injectable()
export class AccessPackages {
  private readonly dir: string;
  private readonly signingKey: Uint8Array;
  readonly ttlSeconds: number;

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {
    this.dir = resolve(settings.dataDir, 'access-packages');
    this.signingKey = createHash('sha256').update(`herald:download-link:${settings.security.appEncryptionKey}`).digest();
    this.ttlSeconds = settings.security.subjectRequestDownloadLinkTtlSeconds;
  }

  async write(requestId: string, content: unknown): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const target = this.file(requestId);
    // Written whole or not at all: a reader never sees half a package.
    await writeFile(`${target}.tmp`, seal(JSON.stringify(content, null, 2), this.settings.security.appEncryptionKey, context(requestId)), { mode: 0o600 });
    await rename(`${target}.tmp`, target);
  }

  /** The package's JSON text, or undefined when this process's data dir does not hold it. */
  async read(requestId: string): Promise<string | undefined> {
    try {
      return open(await readFile(this.file(requestId), 'utf8'), this.settings.security.appEncryptionKey, context(requestId));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async link(requestId: string): Promise<string> {
    const token = await new SignJWT({ purpose: 'access-package' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(requestId)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + this.ttlSeconds)
      .sign(this.signingKey);
    return `${this.settings.publicUrl}/api/v1/privacy-request/${encodeURIComponent(requestId)}/access-package?token=${token}`;
  }

  async check(requestId: string, token: string | undefined): Promise<LinkCheck> {
    if (!token) return 'invalid';
    try {
      const { payload } = await jwtVerify(token, this.signingKey, { algorithms: ['HS256'], subject: requestId });
      return payload.purpose === 'access-package' ? 'valid' : 'invalid';
    } catch (error) {
      return error instanceof errors.JWTExpired ? 'expired' : 'invalid';
    }
  }

  private file(requestId: string): string {
    // Request ids are ours (`pri_<uuid>`), but never let one name a path outside the folder.
    return join(this.dir, `${requestId.replace(/[^a-zA-Z0-9_-]/g, '_')}.json.sealed`);
  }
}

const context = (requestId: string) => `access_package:${requestId}`;
