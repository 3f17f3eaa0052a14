/** This library's own version (package.json), apart from the models' (the manifest's `version`). */
import { version } from '../../package.json';

export const PACKAGE_VERSION: string = version;
