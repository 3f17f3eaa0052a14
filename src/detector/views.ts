/**
 * One batch of pictures as the two-view graphs take it: the whole-image views [count, 3, size, size] and the
 * native crops of the large ones [cropCount, 3, size, size], plus which rows belong to which picture. Shared by
 * the worker, the Node CLI and `npm run models:eval`, so every path builds exactly the same tensors.
 */
import { compositeOnBackground } from './composite';
import type { CropRegion } from './crops';
import { cropToTensor, selectCrops } from './crops';
import type { InputSpec, ModelManifest } from './manifest';
import { inputSize } from './manifest';
import type { PixelImage } from './pixel-image';
import { imageToTensor } from './preprocess';

export interface ViewBatch {
  whole: Float32Array;
  count: number;
  crops: Float32Array;
  cropCount: number;
}

/** Where one picture went in the batch. */
export interface PictureRows {
  row: number;
  cropStart: number;
  regions: CropRegion[];
}

export class ViewBatchBuilder {
  readonly #input: InputSpec;
  readonly #perView: number;
  readonly #whole: Float32Array;
  readonly #crops: Float32Array;
  readonly #maxCrops: number;
  #count = 0;
  #cropCount = 0;

  /** Room for `capacity` pictures and all of their crops. */
  constructor(manifest: Pick<ModelManifest, 'input'>, readonly capacity: number) {
    this.#input = manifest.input;
    const size = inputSize(manifest as ModelManifest);
    this.#perView = 3 * size * size;
    this.#maxCrops = manifest.input.crops?.maxCrops ?? 0;
    this.#whole = new Float32Array(capacity * this.#perView);
    this.#crops = new Float32Array(Math.max(1, capacity * this.#maxCrops) * this.#perView);
  }

  get count(): number {
    return this.#count;
  }

  get full(): boolean {
    return this.#count >= this.capacity;
  }

  /**
   * Writes the picture's whole-image view and its native crops; throws (and adds nothing) on bad pixels. A
   * picture with transparency is composited on the manifest's background first (composite.ts), so the crops are
   * picked on what the tensors hold, wholly opaque windows first: a transparent region never wins the pick.
   */
  add(decoded: PixelImage): PictureRows {
    if (this.full) throw new RangeError(`the batch holds ${this.capacity} pictures`);
    if (!(decoded.width > 0 && decoded.height > 0) || decoded.data.length < decoded.width * decoded.height * 4) {
      throw new RangeError(`image data does not hold ${decoded.width}x${decoded.height} RGBA pixels`);
    }
    const { image, seeThrough } = compositeOnBackground(decoded, this.#input.alphaBackground);
    imageToTensor(image, this.#input, this.#whole, this.#count * this.#perView);
    const spec = this.#input.crops;
    const regions = spec && this.#maxCrops > 0 ? selectCrops(image, spec, seeThrough) : [];
    const cropStart = this.#cropCount;
    regions.forEach((region, i) => {
      cropToTensor(image, region, spec!.size, this.#input.alphaBackground, this.#crops, (cropStart + i) * this.#perView);
    });
    this.#cropCount += regions.length;
    return { row: this.#count++, cropStart, regions };
  }

  get batch(): ViewBatch {
    return {
      whole: this.#whole.subarray(0, this.#count * this.#perView),
      count: this.#count,
      crops: this.#crops.subarray(0, this.#cropCount * this.#perView),
      cropCount: this.#cropCount,
    };
  }

  reset(): void {
    this.#count = 0;
    this.#cropCount = 0;
  }
}
