// Gallery changes between tabs and workers: after every committed write the gallery posts
// `{ type: 'changed' }` here, and every open gallery page (this tab or another) refreshes.

export const GALLERY_CHANNEL = 'nataili-gallery';

export interface GalleryMessage {
  type: 'changed';
}

/** The channel's name for a database prefix, so tests with their own databases do not wake the app. */
export function galleryChannelName(prefix: string): string {
  return prefix === 'nataili' ? GALLERY_CHANNEL : `${GALLERY_CHANNEL}:${prefix}`;
}
