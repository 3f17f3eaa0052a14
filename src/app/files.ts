/** Files out of drops, pickers and pastes, including whole folders (recursively). */

/** Extensions taken from folders; single files are always taken so the user sees why one is refused. */
const IMAGE_NAME = /\.(png|jpe?g|webp|gif|bmp|avif|tiff?)$/i;

export function looksLikeImage(file: File): boolean {
  return file.type.startsWith('image/') || IMAGE_NAME.test(file.name);
}

/** The name shown and exported: the path inside a dropped or picked folder when there is one. */
export function displayName(file: File): string {
  const relative = (file as File & { relativePath?: string }).relativePath || file.webkitRelativePath;
  return relative || file.name || 'pasted image';
}

function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries returns at most ~100 entries per call; call until it returns none.
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((entries) => {
        if (entries.length === 0) resolve(all);
        else {
          all.push(...entries);
          next();
        }
      }, reject);
    next();
  });
}

async function filesOfEntry(entry: FileSystemEntry, into: File[], fromFolder: boolean): Promise<void> {
  if (entry.name.startsWith('.') && fromFolder) return;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    if (fromFolder && !looksLikeImage(file)) return;
    // Keep the folder path for the table and the exports (webkitRelativePath is read-only and empty here).
    Object.defineProperty(file, 'relativePath', { value: entry.fullPath.replace(/^\//, '') });
    into.push(file);
  } else if (entry.isDirectory) {
    const entries = await readAllEntries((entry as FileSystemDirectoryEntry).createReader());
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const child of entries) await filesOfEntry(child, into, true);
  }
}

/** Files of a drop: folders are walked (image files only), plain files are all kept. */
export async function filesFromDrop(transfer: DataTransfer | null | undefined): Promise<File[]> {
  if (!transfer) return [];
  // Entries must be taken synchronously, before the drop event's data store closes.
  const entries = Array.from(transfer.items, (item) => (item.kind === 'file' ? item.webkitGetAsEntry?.() ?? null : null));
  if (entries.every((entry) => entry === null)) return Array.from(transfer.files);
  const files: File[] = [];
  for (const entry of entries) if (entry) await filesOfEntry(entry, files, false);
  return files;
}

/** Files of a file input; a folder picker's list is narrowed to images. */
export function filesFromInput(input: HTMLInputElement): File[] {
  const files = Array.from(input.files ?? []);
  return input.webkitdirectory ? files.filter((file) => looksLikeImage(file) && !file.name.startsWith('.')) : files;
}
