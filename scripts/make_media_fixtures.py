"""Writes tests/media/: tiny videos and a recording made by FFmpeg (through PyAV), so the tests
read the time and position of files a real muxer wrote, not only files the tests lay out.

Run by hand when a fixture is to change (PyAV is no dependency of the plugin or its tests):
    /usr/bin/python3 -m venv /tmp/avenv && /tmp/avenv/bin/pip install "av<14" "numpy<2"
    /tmp/avenv/bin/python scripts/make_media_fixtures.py
Each file's metadata is in FIXTURES; tests/test_capture_metadata.py states what each must read as.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

MEDIA = Path(__file__).resolve().parents[1] / "tests" / "media"

# name: (container format, muxer options, metadata)
FIXTURES = {
    # An Android phone's: its metadata key (com.android.version) makes the header's time UTC;
    # the position as FFmpeg's MP4 writes it, a 3GPP 'loci' box
    "android.mp4": (
        "mp4",
        {"movflags": "use_metadata_tags"},
        {
            "creation_time": "2026-11-10T02:30:00.000000Z",
            "com.android.version": "13",
            "location": "+36.6500+117.9500/",
        },
    ),
    # 16:20 UTC is 00:20 the next day in Zichuan
    "night.mp4": (
        "mp4",
        {"movflags": "use_metadata_tags"},
        {"creation_time": "2026-11-09T16:20:00.000000Z", "com.android.version": "13"},
    ),
    # A body camera's: no phone's key, the header holds the clock time it showed (FFmpeg is
    # given it as UTC only to write it unchanged); the position as ©xyz in udta
    "bodycam.mov": (
        "mov",
        {},
        {"creation_time": "2026-11-10T20:00:00.000000Z", "location": "+36.6612+117.9421/"},
    ),
    # An iPhone's metadata keys: its stated local time and position over the header's
    "iphone.mov": (
        "mov",
        {"movflags": "use_metadata_tags"},
        {
            "creation_time": "2026-11-10T02:30:00.000000Z",
            "com.apple.quicktime.creationdate": "2026-11-10T10:31:05+0800",
            "com.apple.quicktime.location.ISO6709": "+36.6500+117.9500+050.000/",
        },
    ),
    "no_time.mp4": ("mp4", {}, {}),
    # A recording (iTunes-style M4A) of a voice recorder: no phone's key, its clock time
    "memo.m4a": ("ipod", {}, {"creation_time": "2026-11-09T23:10:00.000000Z"}),
}


def write(path: Path, container_format: str, options: dict, metadata: dict) -> None:
    with av.open(str(path), "w", format=container_format, options=options) as container:
        container.metadata.update(metadata)
        if path.suffix == ".m4a":
            stream = container.add_stream("aac", rate=8000)
            stream.layout = "mono"
            frame = av.AudioFrame.from_ndarray(
                np.zeros((1, 1024), dtype=np.float32), format="fltp", layout="mono"
            )
            frame.sample_rate = 8000
        else:
            stream = container.add_stream("mpeg4", rate=5)
            stream.width, stream.height, stream.pix_fmt = 16, 16, "yuv420p"
            frame = av.VideoFrame.from_ndarray(np.zeros((16, 16, 3), np.uint8), format="rgb24")
        for packet in [*stream.encode(frame), *stream.encode(frame), *stream.encode()]:
            container.mux(packet)


if __name__ == "__main__":
    MEDIA.mkdir(exist_ok=True)
    for name, (container_format, options, metadata) in FIXTURES.items():
        write(MEDIA / name, container_format, options, metadata)
        print(MEDIA / name, (MEDIA / name).stat().st_size, "bytes")
