"""The tiny FLUX.2 autoencoder approximation in ../shared/data/taef2 (TAESD family, MIT, Ollin Boer Bohan).

Written here from the published TAESD design and the shapes in the state dicts (the repository's taesd.py is
not copied): 3x3 conv blocks with a residual, three stride-2 stages, 32 latent channels at 1/8 scale, and the
FLUX.2 variant's extra branch (1x1 conv to 256, GroupNorm in 4 groups, ReLU, 1x1 conv back) in the three
lowest-resolution blocks of each half. With this reading a photo makes the round trip at ~32 dB PSNR.

Use: a real photograph encoded and decoded carries a latent decoder's upsampling fingerprint with the photo's
own content, the closest thing to a latent-diffusion output we can make on a CPU (Rajan et al., ICLR 2025).
"""
import os

import torch
import torch.nn as nn


def _conv(n_in, n_out, **kwargs):
    return nn.Conv2d(n_in, n_out, 3, padding=1, **kwargs)


class _Clamp(nn.Module):
    def forward(self, x):
        return torch.tanh(x / 3) * 3


class _Block(nn.Module):
    def __init__(self, channels, pool=False):
        super().__init__()
        self.conv = nn.Sequential(_conv(channels, channels), nn.ReLU(), _conv(channels, channels), nn.ReLU(),
                                  _conv(channels, channels))
        self.skip = nn.Identity()
        self.fuse = nn.ReLU()
        self.pool = (nn.Sequential(nn.Conv2d(channels, 256, 1, bias=False), nn.GroupNorm(4, 256), nn.ReLU(),
                                   nn.Conv2d(256, channels, 1, bias=False)) if pool else None)

    def forward(self, x):
        y = self.conv(x) + self.skip(x)
        if self.pool is not None:
            y = y + self.pool(x)
        return self.fuse(y)


def _encoder():
    down = lambda: _conv(64, 64, stride=2, bias=False)
    return nn.Sequential(_conv(3, 64), _Block(64), down(), _Block(64), _Block(64), _Block(64), down(),
                         _Block(64), _Block(64), _Block(64), down(), _Block(64, True), _Block(64, True),
                         _Block(64, True), _conv(64, 32))


def _decoder():
    up = lambda: [nn.Upsample(scale_factor=2), _conv(64, 64, bias=False)]
    return nn.Sequential(_Clamp(), _conv(32, 64), nn.ReLU(), _Block(64, True), _Block(64, True), _Block(64, True),
                         *up(), _Block(64), _Block(64), _Block(64), *up(), _Block(64), _Block(64), _Block(64),
                         *up(), _Block(64), _conv(64, 3))


class Taef2(nn.Module):
    def __init__(self, folder):
        super().__init__()
        self.encoder, self.decoder = _encoder(), _decoder()
        load = lambda name: {k: v.float() for k, v in torch.load(os.path.join(folder, name), map_location='cpu').items()}
        self.encoder.load_state_dict(load('taef2_encoder.pth'))
        self.decoder.load_state_dict(load('taef2_decoder.pth'))
        self.eval()

    @torch.no_grad()
    def round_trip(self, image_hwc_u8):
        """uint8 HxWx3 -> uint8 HxWx3 through the latent (sides cropped to multiples of 8)."""
        import numpy as np
        height, width = (image_hwc_u8.shape[0] // 8) * 8, (image_hwc_u8.shape[1] // 8) * 8
        x = torch.from_numpy(np.ascontiguousarray(image_hwc_u8[:height, :width])).permute(2, 0, 1)[None].float() / 255
        y = self.decoder(self.encoder(x)).clamp(0, 1)
        return (y[0].permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
