// Files the user hands in through drag-and-drop or a folder picker, as import sources with their
// path inside the dropped folder (so "sd15/unet/model.onnx" can be told from "sd15/vae/model.onnx").

/** A file and its path inside what was dropped or picked; an ImportSource for importFiles. */
export interface PickedFile {
  file: File;
  name: string;
  path: string;
}

// A dropped folder could be a whole disk: stop walking at these bounds.
const MAX_FILES = 2000;
const MAX_DEPTH = 8;

interface EntryLike {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  fullPath: string;
  file?(success: (file: File) => void, failure: (error: unknown) => void): void;
  createReader?(): { readEntries(success: (entries: EntryLike[]) => void, failure: (error: unknown) => void): void };
}

async function walk(entry: EntryLike, depth: number, out: PickedFile[]): Promise<void> {
  if (out.length >= MAX_FILES) return;
  if (entry.isFile && entry.file) {
    const file = await new Promise<File>((resolve, reject) => entry.file!(resolve, reject));
    out.push({ file, name: file.name, path: entry.fullPath.replace(/^\//, '') });
    return;
  }
  if (!entry.isDirectory || !entry.createReader || depth >= MAX_DEPTH) return;
  const reader = entry.createReader();
  // readEntries returns at most ~100 entries per call; an empty batch means the end.
  for (let batch = 0; batch < MAX_FILES; batch += 1) {
    const entries = await new Promise<EntryLike[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (entries.length === 0) break;
    for (const child of entries) await walk(child, depth + 1, out);
  }
}

/** Sources from a drop: folders are walked (bounded); plain files pass through. */
export async function sourcesFromDataTransfer(transfer: DataTransfer): Promise<PickedFile[]> {
  const out: PickedFile[] = [];
  const entries: EntryLike[] = [];
  const loose: File[] = [];
  for (const item of Array.from(transfer.items)) {
    if (item.kind !== 'file') continue;
    // Entries must be taken synchronously, before the first await: the drop's data goes away after.
    const entry = (item as DataTransferItem & { webkitGetAsEntry?(): EntryLike | null }).webkitGetAsEntry?.() ?? null;
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) loose.push(file);
    }
  }
  for (const entry of entries) await walk(entry, 0, out);
  return [...out, ...loose.map((file) => ({ file, name: file.name, path: file.name }))];
}

/** Sources from <input type="file" multiple webkitdirectory>: the browser gives relative paths. */
export function sourcesFromFileList(files: FileList | readonly File[]): PickedFile[] {
  return Array.from(files)
    .slice(0, MAX_FILES)
    .map((file) => ({ file, name: file.name, path: (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name }));
}
