import { Types } from 'mongoose';
import type { AuditLog } from '../platform/audit';
import type { PublicUser } from '../platform/roles';
import { ConflictError, NotFoundError } from '../platform/errors';
import type { FileStore, StoredFileMeta } from '../platform/file-store';
import type { ReceivedUpload } from '../platform/upload';
import type { Boroughs } from '../platform/boroughs';
import { documentTitleKey, tenderView, type Actor, type TenderDocument } from './tender.presenter';
import type { TenderDoc, TenderStore } from './tender.store';

/** What an officer sends to add a document: the checked upload and its title. */
export interface NewDocument {
  title: string;
  upload: ReceivedUpload;
}

function checkOpen(doc: TenderDoc): void {
  if (doc.status === 'closed' || doc.status === 'cancelled') {
    throw new ConflictError('wrong_status', `Documents cannot be added to a ${doc.status} exercise`);
  }
}

/** The documents published with an exercise: versions by title, kept in the change history once published. */
export class TenderDocumentsService {
  constructor(
    private readonly store: TenderStore,
    private readonly boroughs: Boroughs,
    private readonly audit: AuditLog,
    readonly files: FileStore,
    private readonly now: () => Date,
  ) {}

  /**
   * Stores a document for the officer's own exercise. A title already used gets the next version;
   * earlier versions stay. The file is stored first and removed again if the record cannot be saved,
   * so nothing is left behind.
   */
  async add(id: string, input: NewDocument, actor: PublicUser): Promise<TenderDocument> {
    checkOpen(await this.store.ownDoc(id, actor));
    const { key } = await this.files.put(input.upload.buffer, {
      contentType: input.upload.detectedMime,
      originalName: input.upload.originalName,
    });
    const _id = new Types.ObjectId();
    let added: TenderDocument;
    try {
      added = await this.store.change(
        id,
        actor,
        async (doc) => {
          checkOpen(doc);
          const titleKey = documentTitleKey(input.title);
          const version = 1 + Math.max(0, ...doc.documents.filter((d) => documentTitleKey(d.title) === titleKey).map((d) => d.version));
          const at = this.now();
          const record = {
            _id,
            title: input.title,
            filename: input.upload.originalName,
            size: input.upload.size,
            contentType: input.upload.detectedMime,
            version,
            storageKey: key,
            sha256: input.upload.sha256,
            uploadedAt: at,
            uploadedBy: actor.id,
          };
          const $push: Record<string, unknown> = { documents: record };
          if (doc.status === 'published') {
            $push.history = {
              at,
              by: actor.id,
              byName: actor.name,
              field: 'documents',
              old: '',
              new: `${input.title} (version ${version})`,
            };
          }
          return { $push };
        },
        (updated) => tenderView(updated, actor, this.boroughs).documents.find((d) => d.id === _id.toString())!,
      );
    } catch (err) {
      await this.files.remove(key).catch(() => undefined);
      throw err;
    }
    await this.audit.record({
      action: 'tender.document.add',
      outcome: 'allowed',
      actor,
      target: `tender:${id}`,
      detail: `${_id.toString()} v${added.version}`,
    });
    return added;
  }

  /** The stored file behind a document of an exercise the actor can see. */
  async file(id: string, docId: string, actor: Actor): Promise<{ key: string; meta: StoredFileMeta }> {
    const doc = await this.store.visibleDoc(id, actor);
    const found = doc.documents.find((d) => (d as unknown as { _id: Types.ObjectId })._id.toString() === docId);
    if (!found) throw new NotFoundError('Document not found');
    return { key: found.storageKey, meta: { contentType: found.contentType, originalName: found.filename } };
  }
}
