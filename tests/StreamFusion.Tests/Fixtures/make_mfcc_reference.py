#!/usr/bin/python3
"""Reference MFCCs from torchaudio.compliance.kaldi.mfcc (Debian's python3-torchaudio), committed as
mfcc_reference.json. Run once; never at test time:
    /usr/bin/python3 tests/StreamFusion.Tests/Fixtures/make_mfcc_reference.py ../shared
Parameters (the StreamFusion defaults): 16 kHz, 25 ms frames, 10 ms shift, povey window, pre-emphasis 0.97,
DC removal, 512-point FFT, 23 mel bins 20 Hz..Nyquist, log (floor: float eps), DCT-II (ortho), 13 cepstra,
lifter 22, no dither, snip edges. Inputs are float waveforms in [-1, 1] (what the decoder delivers).
Computed in float64: torchaudio's own float32 path differs from its float64 result by up to 2.6e-3 on these
inputs, more than the tolerance the tests hold StreamFusion to (1e-3), so float64 is the reference.
"""
import json
import math
import sys

import torch
import torchaudio

PARAMS = dict(sample_frequency=16000.0, frame_length=25.0, frame_shift=10.0, window_type="povey",
              preemphasis_coefficient=0.97, remove_dc_offset=True, round_to_power_of_two=True,
              num_mel_bins=23, low_freq=20.0, high_freq=0.0, num_ceps=13, cepstral_lifter=22.0,
              dither=0.0, use_energy=False, snip_edges=True)


def synthetic(n=16000):
    """0.5 s of a 440 Hz tone plus a frequency-modulated 1 kHz tone, then 0.5 s of them at a tenth of the level."""
    values = []
    for i in range(n):
        t = i / 16000.0
        amplitude = 1.0 if i < n // 2 else 0.1
        values.append(amplitude * (0.5 * math.sin(2 * math.pi * 440 * t) + 0.25 * math.sin(2 * math.pi * 1000 * t + 0.5 * math.sin(2 * math.pi * 3 * t))))
    return torch.tensor(values, dtype=torch.float32).unsqueeze(0)


def mfcc(waveform):
    return torchaudio.compliance.kaldi.mfcc(waveform.double(), **PARAMS)


def main(assets):
    jfk, rate = torchaudio.load(f"{assets}/media/jfk.wav")
    assert rate == 16000
    fixture = {"generator": f"torchaudio {torchaudio.__version__} compliance.kaldi.mfcc (float64)", "params": PARAMS}
    for name, waveform in (("jfk.wav", jfk), ("synthetic", synthetic())):
        m = mfcc(waveform)
        fixture[name] = [[round(float(v), 5) for v in row] for row in m]
        print(name, tuple(m.shape), file=sys.stderr)
    json.dump(fixture, sys.stdout, separators=(",", ":"))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared")
