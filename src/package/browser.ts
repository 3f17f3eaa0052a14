/**
 * The npm package's browser entry (`import … from 'ensemble-deepfake-detector'`): the library of src/detector/,
 * with env pointing at the files the package carries (bundled-assets.ts), so that fromPretrained() needs no
 * options. Built by scripts/build-package.ts into lib/browser/index.js; never part of this repository's page.
 */
import { env } from '../detector/env';
import { bundledModelFiles, bundledOrtFiles } from './bundled-assets';

env.modelFiles = bundledModelFiles();
env.ortFiles = bundledOrtFiles();

export * from '../detector/index';
