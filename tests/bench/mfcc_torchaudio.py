#!/usr/bin/python3
"""torchaudio's MFCC on the same samples as `streamfusion bench audio`, one thread, for the side-by-side.
Usage: mfcc_torchaudio.py SAMPLES.f32 REPEATS  (raw float32 mono 16 kHz). Prints {"seconds": ..., "frames": ...}."""
import json
import sys
import time

import numpy as np
import torch
import torchaudio

torch.set_num_threads(1)
samples = torch.from_numpy(np.fromfile(sys.argv[1], dtype=np.float32)).unsqueeze(0)
repeats = int(sys.argv[2])
params = dict(sample_frequency=16000.0, frame_length=25.0, frame_shift=10.0, window_type="povey", preemphasis_coefficient=0.97,
              remove_dc_offset=True, round_to_power_of_two=True, num_mel_bins=23, low_freq=20.0, high_freq=0.0, num_ceps=13,
              cepstral_lifter=22.0, dither=0.0, use_energy=False, snip_edges=True)
torchaudio.compliance.kaldi.mfcc(samples, **params)  # warm-up
start = time.perf_counter()
for _ in range(repeats):
    frames = torchaudio.compliance.kaldi.mfcc(samples, **params).shape[0]
print(json.dumps({"seconds": (time.perf_counter() - start) / repeats, "frames": frames}))
