// The one part of model import that runs on the page: a drop's DataTransfer (and a picker's
// FileList) cannot be sent to a worker, so the page turns it into Files with their folder paths
// (ModelFileSource) and sends those. The Models page imports this; the walk itself is the managers'.
export { sourcesFromDataTransfer, sourcesFromFileList } from '../../managers/import-sources.ts';
