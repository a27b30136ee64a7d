/**
 * The uploads feature's rules: receiving a file (stored, sniffed, deduplicated by Idempotency-Key,
 * row + job + event in one transaction), reading results, revalidating and deleting.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Deps } from '../../deps.js';
import { isEngineError, sniffFormat } from '../../engine/index.js';
import { newId } from '../../lib/ids.js';
import { actsOnAllObjects } from '../access/index.js';
import type { AuthContext } from '../identity/index.js';
import { actorOf, recordAudit, type AuditMeta } from '../audit/index.js';
import { recordEvent } from '../events/index.js';
import { getSchemaVersion } from '../schemas/index.js';
import { isSharedWith, sharingErrors } from '../sharing/index.js';
import { uploadErrors } from './uploads.errors.js';
import { isFinal, toPublicUpload } from './uploads.mapper.js';
import * as repo from './uploads.repository.js';
import type { UploadRow } from './uploads.repository.js';
import type { PublicUpload, UploadListQuery } from './uploads.schemas.js';
import { VALIDATE_UPLOAD } from './uploads.jobs.js';
import type { ValidateUploadJob } from './validation.service.js';

export type UploadsDeps = Pick<Deps, 'db' | 'dbRead' | 'storage' | 'queue' | 'config' | 'logger'>;

/** A file written to storage, not yet part of an upload. */
export interface StoredFile {
  readonly key: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface NewUpload {
  readonly file: StoredFile;
  readonly fileName: string;
  readonly schemaId: string;
  readonly sheet: string | null;
  readonly idempotencyKey: string | null;
}

const UNIQUE_VIOLATION = '23505';

function originalKey(uploadId: string): string {
  return `uploads/${uploadId}/original`;
}

/** PK zip or OLE2 container: a workbook (possibly broken or encrypted), else text. */
async function roughFormat(deps: UploadsDeps, key: string): Promise<'xlsx' | 'csv'> {
  const stream = deps.storage.open(key);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const zip = chunk[0] === 0x50 && chunk[1] === 0x4b;
      const ole = chunk[0] === 0xd0 && chunk[1] === 0xcf && chunk[2] === 0x11 && chunk[3] === 0xe0;
      return zip || ole ? 'xlsx' : 'csv';
    }
    return 'csv';
  } finally {
    stream.destroy();
  }
}

function sameRequest(row: UploadRow, input: NewUpload): boolean {
  return row.sha256 === input.file.sha256 && row.schema_id === input.schemaId && row.sheet === input.sheet;
}

export function createUploadsService(deps: UploadsDeps) {
  const { db, storage } = deps;

  async function discard(key: string): Promise<void> {
    await storage
      .delete(key)
      .catch((err: unknown) => deps.logger.warn({ err, key }, 'could not remove a stored file'));
  }

  /**
   * An upload the caller may act on (change, delete, run AI on): its own, or anyone's with
   * `upload.all`. One only shared with it is view-only (403); anyone else's is "not found", so ids
   * cannot be probed.
   */
  async function findOwn(auth: AuthContext, id: string): Promise<UploadRow> {
    const row = await repo.findUpload(deps.db, id);
    if (row === undefined) throw uploadErrors.notFound();
    if (row.user_id === auth.userId || actsOnAllObjects(auth, 'upload')) return row;
    if (await isSharedWith(deps.db, { type: 'upload', id }, auth.userId))
      throw sharingErrors.readOnly('upload');
    throw uploadErrors.notFound();
  }

  /** An upload the caller may read: as findOwn, or shared with it (view-only). */
  async function findVisible(auth: AuthContext, id: string): Promise<UploadRow> {
    const row = await repo.findUpload(deps.db, id);
    if (row === undefined) throw uploadErrors.notFound();
    if (row.user_id === auth.userId || actsOnAllObjects(auth, 'upload')) return row;
    if (await isSharedWith(deps.db, { type: 'upload', id }, auth.userId)) return row;
    throw uploadErrors.notFound();
  }

  /** The same request replayed with its Idempotency-Key: the earlier upload, or a 422 when it differs. */
  function replay(existing: UploadRow, input: NewUpload): { upload: PublicUpload; replayed: true } {
    if (!sameRequest(existing, input)) throw uploadErrors.idempotencyKeyReused();
    return { upload: toPublicUpload(existing), replayed: true };
  }

  return {
    /** Streams an incoming file to storage under a new key (the key doubles as the upload's id). */
    async storeFile(stream: Readable): Promise<StoredFile> {
      const id = newId();
      const key = originalKey(id);
      const { bytes, sha256 } = await storage.put(key, stream);
      return { key, bytes, sha256 };
    },

    /** Removes a stored file that will not become an upload (a bad request after the file part). */
    discard,

    async create(auth: AuthContext, input: NewUpload): Promise<{ upload: PublicUpload; replayed: boolean }> {
      const { file } = input;
      let committed = false;
      try {
        if (input.idempotencyKey !== null) {
          const existing = await repo.findByIdempotencyKey(db, auth.userId, input.idempotencyKey);
          if (existing !== undefined) return replay(existing, input);
        }
        const schema = await getSchemaVersion(db, {
          schemaId: input.schemaId,
          userId: auth.userId,
          allObjects: actsOnAllObjects(auth, 'schema'),
        });
        if (schema === null) throw uploadErrors.schemaNotFound();

        let format: 'xlsx' | 'csv';
        try {
          format = await sniffFormat(await storage.localPath(file.key));
        } catch (err) {
          if (!isEngineError(err)) throw err;
          if (err.code === 'unsupported_format') throw uploadErrors.unsupportedType(err.message);
          // A broken, encrypted or empty workbook is accepted and fails in validation with the
          // engine's code, so the report says exactly what is wrong with it.
          format = await roughFormat(deps, file.key);
        }

        const id = file.key.split('/')[1];
        const runId = randomUUID();
        try {
          const row = await db.transaction().execute(async (trx) => {
            const inserted = await repo.insertUpload(trx, {
              id,
              user_id: auth.userId,
              schema_id: schema.schemaId,
              schema_version: schema.version,
              file_name: input.fileName,
              format,
              sheet: input.sheet,
              bytes: file.bytes,
              sha256: file.sha256,
              storage_key: file.key,
              idempotency_key: input.idempotencyKey,
              run_id: runId,
            });
            await recordEvent(trx, {
              type: 'upload.received',
              userId: auth.userId,
              subjectId: id,
              data: {
                upload_id: id,
                file_name: inserted.file_name,
                format,
                bytes: file.bytes,
                sha256: file.sha256,
                schema_id: schema.schemaId,
                schema_version: schema.version,
              },
            });
            await deps.queue.enqueue<ValidateUploadJob>(trx, VALIDATE_UPLOAD, { uploadId: id, runId });
            return inserted;
          });
          committed = true;
          // The local worker (WORKER=on) starts now, not when the NOTIFY comes back.
          deps.queue.wake(VALIDATE_UPLOAD);
          return { upload: toPublicUpload(row), replayed: false };
        } catch (err) {
          // Two requests with one Idempotency-Key raced: the other one won; answer as a replay.
          if (input.idempotencyKey !== null && (err as { code?: string }).code === UNIQUE_VIOLATION) {
            const existing = await repo.findByIdempotencyKey(db, auth.userId, input.idempotencyKey);
            if (existing !== undefined) return replay(existing, input);
          }
          throw err;
        }
      } finally {
        // Nothing in storage without its row: a replay, a refusal or a failed transaction removes it.
        if (!committed) await discard(file.key);
      }
    },

    async get(auth: AuthContext, id: string): Promise<PublicUpload> {
      return toPublicUpload(await findVisible(auth, id));
    },

    /** The row itself, for the routes that stream files and results. */
    findOwn,
    findVisible,

    /** The uploads shared with the caller, most recently shared first (the dashboard's list). */
    async sharedWithMe(auth: AuthContext, limit: number): Promise<repo.SharedUploadRow[]> {
      return repo.listSharedWith(deps.dbRead, auth.userId, limit);
    },

    async list(
      auth: AuthContext,
      query: UploadListQuery,
    ): Promise<{ results: PublicUpload[]; next_cursor: string | null }> {
      const limit = query.limit ?? 20;
      let beforeId: string | undefined;
      if (query.cursor !== undefined) {
        beforeId = Buffer.from(query.cursor, 'base64url').toString('utf8');
        if (!/^[0-9a-f-]{36}$/.test(beforeId)) throw uploadErrors.invalidCursor();
      }
      const scope =
        query.owner === 'me'
          ? { own: auth.userId }
          : query.owner === 'shared'
            ? { shared: auth.userId }
            : actsOnAllObjects(auth, 'upload')
              ? null
              : { visible: auth.userId };
      const rows = await repo.listUploads(deps.dbRead, scope, {
        status: query.status,
        schemaId: query.schema_id,
        beforeId,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        results: page.map(toPublicUpload),
        next_cursor: rows.length > limit && last ? Buffer.from(last.id, 'utf8').toString('base64url') : null,
      };
    },

    /** A new run against the schema's latest version; the old results are dropped. */
    async revalidate(auth: AuthContext, id: string): Promise<PublicUpload> {
      const current = await findOwn(auth, id);
      if (!isFinal(current.status)) throw uploadErrors.stillRunning();
      const schema = await getSchemaVersion(db, { schemaId: current.schema_id, userId: current.user_id });
      if (schema === null) throw uploadErrors.schemaNotFound();
      const runId = randomUUID();
      const row = await db.transaction().execute(async (trx) => {
        const updated = await repo.requeue(trx, id, { runId, schemaVersion: schema.version });
        if (updated === undefined) throw uploadErrors.stillRunning();
        await deps.queue.enqueue<ValidateUploadJob>(trx, VALIDATE_UPLOAD, { uploadId: id, runId });
        return updated;
      });
      deps.queue.wake(VALIDATE_UPLOAD);
      if (current.annotated_key !== null) await discard(current.annotated_key);
      return toPublicUpload(row);
    },

    /** Deletes the upload, its results and its files. A running job finds it gone and stops. */
    /** Shares of the upload go with it (a trigger on delete). */
    async remove(auth: AuthContext, id: string, meta?: AuditMeta): Promise<void> {
      await findOwn(auth, id);
      const row = await db.transaction().execute(async (trx) => {
        const deleted = await repo.deleteUpload(trx, id);
        if (deleted) {
          await recordAudit(trx, {
            action: 'upload.deleted',
            actor: actorOf(auth),
            target: { type: 'upload', id },
            meta,
            details: { owner_id: deleted.user_id },
          });
        }
        return deleted;
      });
      if (row === undefined) return;
      await discard(row.storage_key);
      if (row.annotated_key !== null) await discard(row.annotated_key);
    },
  };
}

export type UploadsService = ReturnType<typeof createUploadsService>;
