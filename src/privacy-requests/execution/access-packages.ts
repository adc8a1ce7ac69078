import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SignJWT, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { readFile, readdir, rmdir, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { KeyRing } from '../../common/crypto/index.js';
import { SETTINGS, type Settings } from '../../config/index.js';
import { JobQueueService } from '../../database/index.js';

export type LinkCheck = 'valid' | 'invalid' | 'expired';

/** The scheduled job that deletes packages whose links have expired (one run per tick across all instances). */
export const ACCESS_PACKAGE_EXPIRY_QUEUE = 'access-package-expiry';
const EXPIRY_SCHEDULE = '*/5 * * * *';

/** A package over HERALD_ACCESS_PACKAGE_MAX_BYTES: nothing is stored, and the message says why. */
export class AccessPackageTooLarge extends Error {
  override readonly name = 'AccessPackageTooLarge';
}

/**
 * Access packages (decision D23): sealed JSON in the `access_package` table, so whichever instance answers a download
 * link serves it, handed out through signed links that expire after
 * FIDES__SECURITY__SUBJECT_REQUEST_DOWNLOAD_LINK_TTL_SECONDS (D8). A scheduled job deletes a package once its last link
 * has expired. Packages written by earlier versions under `<data dir>/access-packages/` are moved in at start-up.
 * Links carry the signing key's id (`kid`): a link sent before a key change still works while that key is in
 * HERALD_PREVIOUS_ENCRYPTION_KEYS, and one without a `kid` (from before the key ring) under the legacy derivation.
 *
 * Reads and writes use their own connection, never the caller's transaction: the run that writes holds its request's
 * row lock, and nothing here touches that row.
 */
@Injectable()
export class AccessPackages implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AccessPackages.name);
  private readonly keys: KeyRing;
  readonly ttlSeconds: number;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    // Optional only so that links can be signed without a database (tests of expired links), from settings alone.
    @InjectDataSource() private readonly dataSource?: DataSource,
    private readonly queue?: JobQueueService,
    keys?: KeyRing,
  ) {
    this.keys = keys ?? KeyRing.of(settings.security);
    this.ttlSeconds = settings.security.subjectRequestDownloadLinkTtlSeconds;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.moveLegacyFiles();
    const boss = this.queue!.boss;
    if (!(await boss.getQueue(ACCESS_PACKAGE_EXPIRY_QUEUE))) await boss.createQueue(ACCESS_PACKAGE_EXPIRY_QUEUE, { retryLimit: 0, notify: true });
    // Idempotent: every instance upserts the same schedule, and pg-boss creates one job per tick.
    await boss.schedule(ACCESS_PACKAGE_EXPIRY_QUEUE, EXPIRY_SCHEDULE);
    await boss.work(ACCESS_PACKAGE_EXPIRY_QUEUE, { batchSize: 1, pollingIntervalSeconds: 30 }, async () => {
      await this.deleteExpired();
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.queue?.boss.offWork(ACCESS_PACKAGE_EXPIRY_QUEUE, { wait: true }).catch(() => undefined);
  }

  /** Stores (or replaces) the request's package; throws AccessPackageTooLarge past the size limit. */
  async write(requestId: string, content: unknown): Promise<void> {
    const json = JSON.stringify(content, null, 2);
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > this.settings.accessPackageMaxBytes) {
      throw new AccessPackageTooLarge(
        `The access package is ${size(bytes)}, over the limit of ${size(this.settings.accessPackageMaxBytes)} (HERALD_ACCESS_PACKAGE_MAX_BYTES); nothing was stored.`,
      );
    }
    const sealed = this.keys.seal(json, accessPackageContext(requestId));
    // A rewrite (a rerun of the step) keeps the later of the two expiries: a link already sent stays good.
    await this.db().query(
      `INSERT INTO access_package (request_id, sealed, created_at, expires_at)
       VALUES ($1, $2, now(), now() + make_interval(secs => $3))
       ON CONFLICT (request_id) DO UPDATE
         SET sealed = excluded.sealed, created_at = excluded.created_at,
             expires_at = GREATEST(access_package.expires_at, excluded.expires_at)`,
      [requestId, sealed, this.ttlSeconds],
    );
  }

  /** The package's JSON text, or undefined when there is none (never written, or expired and deleted). */
  async read(requestId: string): Promise<string | undefined> {
    const rows = await this.db().query<{ sealed: string }[]>(`SELECT sealed FROM access_package WHERE request_id = $1 AND expires_at > now()`, [requestId]);
    return rows[0] ? this.keys.open(rows[0].sealed, accessPackageContext(requestId)) : undefined;
  }

  async link(requestId: string): Promise<string> {
    const expiresAt = Math.floor(Date.now() / 1000) + this.ttlSeconds;
    const token = await new SignJWT({ purpose: 'access-package' })
      .setProtectedHeader({ alg: 'HS256', kid: this.keys.currentKeyId })
      .setSubject(requestId)
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .sign(this.keys.subKey('download-link'));
    // The package lives as long as its last link (a request retried days after its access step sends a new one).
    await this.dataSource?.query(`UPDATE access_package SET expires_at = GREATEST(expires_at, to_timestamp($2)) WHERE request_id = $1`, [requestId, expiresAt]);
    return `${this.settings.publicUrl}/api/v1/privacy-request/${encodeURIComponent(requestId)}/access-package?token=${token}`;
  }

  async check(requestId: string, token: string | undefined): Promise<LinkCheck> {
    if (!token) return 'invalid';
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      return 'invalid';
    }
    if (kid !== undefined && typeof kid !== 'string') return 'invalid';
    // One key for a `kid` (none if unknown); a link without one may be under any key's legacy sub-key.
    for (const key of this.keys.verifyingKeys('download-link', kid)) {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], subject: requestId });
        return payload.purpose === 'access-package' ? 'valid' : 'invalid';
      } catch (error) {
        // Expiry is checked only after the signature: this key made the link.
        if (error instanceof errors.JWTExpired) return 'expired';
      }
    }
    return 'invalid';
  }

  /** Deletes the packages whose links have all expired; the scheduled job's work, callable directly. */
  async deleteExpired(): Promise<number> {
    const [, count] = await this.db().query<[unknown, number]>(`DELETE FROM access_package WHERE expires_at <= now()`);
    if (count > 0) this.logger.log({ deleted: count }, 'expired access packages deleted');
    return count;
  }

  /**
   * Packages left as files by earlier versions (`<data dir>/access-packages/<request id>.json.sealed`) move into the
   * table unchanged (same envelope, same context), with the file's time as their creation; then the files go.
   */
  private async moveLegacyFiles(): Promise<void> {
    const dir = resolve(this.settings.dataDir, 'access-packages');
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    let moved = 0;
    let expired = 0;
    const kept: string[] = [];
    for (const name of names) {
      const file = join(dir, name);
      // A write cut short by a crash: never a whole package.
      if (name.endsWith('.tmp')) {
        await unlink(file).catch(() => undefined);
        continue;
      }
      if (!name.endsWith('.json.sealed')) continue;
      const requestId = name.slice(0, -'.json.sealed'.length);
      const sealed = await readFile(file, 'utf8');
      try {
        // Checks the key and that the name is the request id the package was sealed for.
        this.keys.open(sealed, accessPackageContext(requestId));
      } catch {
        kept.push(name);
        continue;
      }
      const createdAt = (await stat(file)).mtime;
      const expiresAt = new Date(createdAt.getTime() + this.ttlSeconds * 1000);
      if (expiresAt.getTime() > Date.now()) {
        await this.db().query(
          `INSERT INTO access_package (request_id, sealed, created_at, expires_at) VALUES ($1, $2, $3, $4) ON CONFLICT (request_id) DO NOTHING`,
          [requestId, sealed, createdAt, expiresAt],
        );
        moved++;
      } else {
        expired++;
      }
      await unlink(file);
    }
    if (moved + expired > 0) this.logger.log({ moved, expired, dir }, 'access packages moved from the data dir into the database');
    if (kept.length > 0) {
      this.logger.warn({ files: kept.length, dir }, 'access package files that do not open with the current or a previous encryption key were left in place');
    } else {
      await rmdir(dir).catch(() => undefined);
    }
  }

  private db(): DataSource {
    if (!this.dataSource) throw new Error('AccessPackages needs the database to store or read packages');
    return this.dataSource;
  }
}

/** The additional data a package is sealed with: its request's id. */
export const accessPackageContext = (requestId: string) => `access_package:${requestId}`;

const size = (bytes: number) => (bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / (1024 * 1024)).toFixed(1)} MiB`);
