// The page's checkpoint slot in IndexedDB (issue 11): one record per origin, the latest run's
// saved job (src/simulate/checkpoint.ts bytes) with what the page needs to re-create the run.
// Plain IndexedDB: one database, one object store, one key. The logic around it
// (web/lib/page-checkpoints.ts) takes any CheckpointStore, so the unit tests use a Map.

/** What the slot holds; `bytes` is encodeSavedJob's output, the rest says what it is. */
export interface StoredRun {
  format: typeof STORED_RUN_FORMAT;
  /** The page state the run started from (the URL query): Resume loads it and re-creates the run. */
  search: string;
  /** The run in words, as the run controller named it. */
  label: string;
  /** The job besides its config (web/lib/page-checkpoints.ts pageJob). */
  job: string;
  /** Overall progress when it was saved, in [0, 1]. */
  fraction: number;
  /** When it was saved, in ms since the epoch. */
  savedAt: number;
  bytes: Uint8Array;
}

/** Bumped when StoredRun's fields change; a record of another format is refused, not guessed at. */
export const STORED_RUN_FORMAT = 1;

export interface CheckpointStore {
  /** The record in the slot, as stored (it may come from another version of the page). */
  load(): Promise<unknown>;
  save(run: StoredRun): Promise<void>;
  clear(): Promise<void>;
}

const DATABASE = 'sam-sde';
const STORE = 'checkpoints';
const KEY = 'latest';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function open(): Promise<IDBDatabase> {
  const req = indexedDB.open(DATABASE, 1);
  req.onupgradeneeded = () => req.result.createObjectStore(STORE);
  return request(req);
}

/** Runs one transaction on the store and resolves when it has committed (not only when the request succeeded). */
async function transact<T>(mode: IDBTransactionMode, body: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    // 'strict': the write is flushed before complete fires, so a tab crash right after keeps it.
    const tx = db.transaction(STORE, mode, { durability: 'strict' });
    const result = request(body(tx.objectStore(STORE)));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
    return await result;
  } finally {
    db.close();
  }
}

/** The origin's IndexedDB slot, or undefined where the browser has no IndexedDB. */
export function indexedDbStore(): CheckpointStore | undefined {
  if (typeof indexedDB === 'undefined') return undefined;
  return {
    load: () => transact('readonly', (s) => s.get(KEY)),
    save: async (run) => { await transact('readwrite', (s) => s.put(run, KEY)); },
    clear: async () => { await transact('readwrite', (s) => s.delete(KEY)); },
  };
}
