"""The exported graphs' arithmetic on pictures, as the browser builds their views: raw whole-image scores and each
crop's trace scores per model. Reads pictures (uint8 HWC); writes nothing."""
import numpy as np
import torch
import torch.nn.functional as F

import crops
import data
from common import evaluate_in_chunks, to_tensor


def picture_views(picture):
    """What the browser builds for one picture: the whole-image view [1, 3, 32, 32] (the graph's first op
    averages 128 -> 32; doing it straight is the same arithmetic) and the native crops [k, 3, 128, 128]."""
    whole = to_tensor(data.area_resize(data.centre_square(picture), 32)[None])
    windows, _ = crops.crops_of(picture)
    return whole, to_tensor(windows)


class Scorers:
    """The exported graphs' arithmetic on views, per picture: raw whole-image scores and each crop's trace scores."""

    def __init__(self, svdd, ae):
        self.svdd, self.ae = svdd, ae

    @torch.no_grad()
    def whole(self, images_32):
        upscaled = F.interpolate(images_32, scale_factor=4, mode='nearest')
        svdd = evaluate_in_chunks(lambda x: self.svdd.whole(x)[0], upscaled, 256).numpy()
        ae = evaluate_in_chunks(lambda x: self.ae.whole(x)[0], upscaled, 256).numpy()
        return {'svdd': svdd, 'autoencoder': ae}

    @torch.no_grad()
    def crops(self, windows):
        """Each crop's raw trace score per model (the graphs' `trace_score` outputs)."""
        svdd = self.svdd.trace_distance(self.svdd.trace(windows))
        ae = self.ae.trace_error(self.ae.trace.crop_error(windows))
        return {'svdd': svdd.numpy(), 'autoencoder': ae.numpy()}

    def pictures(self, pictures):
        """Raw scores for full pictures: {'whole': {model: [n]}, 'crops': [{model: [k]} per picture]}."""
        whole = {'svdd': [], 'autoencoder': []}
        per_crop = []
        for picture in pictures:
            whole_view, windows = picture_views(picture)
            w = self.whole(whole_view)
            per_crop.append(self.crops(windows) if len(windows) else None)
            for key in whole:
                whole[key].append(float(w[key][0]))
        return {'whole': {k: np.array(v) for k, v in whole.items()}, 'crops': per_crop}
