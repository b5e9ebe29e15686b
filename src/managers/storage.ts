// Persistent storage and quota: the app asks the browser to keep its models (not evict them
// under storage pressure), reports usage and quota, and refuses a download up front when the
// model cannot fit, instead of failing gigabytes in.

import { QuotaError, formatBytes } from './errors.ts';

/** The part of navigator.storage we use; tests hand in their own. */
export interface StorageLike {
  persist?(): Promise<boolean>;
  persisted?(): Promise<boolean>;
  estimate?(): Promise<{ usage?: number; quota?: number }>;
}

export interface StorageReport {
  usage: number;
  quota: number;
  available: number;
  persisted: boolean;
}

export function defaultStorage(): StorageLike | undefined {
  return typeof navigator === 'undefined' ? undefined : (navigator.storage as StorageLike | undefined);
}

/** Asks for persistent storage; true when granted (Chromium grants it to installed or engaged sites). */
export async function requestPersistence(storage = defaultStorage()): Promise<boolean> {
  if (!storage?.persist) return false;
  try {
    if (await storage.persisted?.()) return true;
    return await storage.persist();
  } catch {
    return false;
  }
}

export async function storageReport(storage = defaultStorage()): Promise<StorageReport | null> {
  if (!storage?.estimate) return null;
  const { usage = 0, quota = 0 } = await storage.estimate();
  const persisted = (await storage.persisted?.().catch(() => false)) ?? false;
  return { usage, quota, available: Math.max(0, quota - usage), persisted };
}

// IndexedDB keeps some overhead per record; ask for a little more than the raw bytes.
const OVERHEAD = 1.02;

/** Throws QuotaError (nothing written yet) when `bytes` more will not fit in the browser's quota. */
export async function ensureRoom(label: string, bytes: number, storage = defaultStorage()): Promise<void> {
  if (bytes <= 0) return;
  const report = await storageReport(storage).catch(() => null);
  if (!report || report.quota === 0) return;
  if (Math.ceil(bytes * OVERHEAD) > report.available) throw quotaError(label, bytes, report);
}

/**
 * The quota message: how much the model needs and how much more room that takes. When the browser
 * refused a write although its estimate shows room, the estimate is wrong (private windows,
 * a full disk): the message says so instead of asking for 0 bytes.
 */
export function quotaError(label: string, needed: number, report: StorageReport | null, cause?: unknown): QuotaError {
  const missing = report ? Math.ceil(needed * OVERHEAD) - report.available : needed;
  const where = report ? ` (${formatBytes(report.usage)} of ${formatBytes(report.quota)} in use)` : '';
  const what =
    missing > 0
      ? `about ${formatBytes(missing)} more is needed${where}`
      : `it needs ${formatBytes(needed)}, and the browser refused to store it although it reports room${where}; the disk may be full, or this is a private window`;
  return new QuotaError(
    `Not enough storage for ${label}: ${what}. Nothing of it was kept. Remove models you do not use, or free disk space, and try again.`,
    missing > 0 ? missing : needed,
    { cause },
  );
}
