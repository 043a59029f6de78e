"""The peer for the decode benchmark: zxing-cpp (PyPI `zxing-cpp`), as an integrator calls it
(`read_barcodes` with its defaults, QR codes only), on the same frames the pipeline reads.

Reads a manifest of `file<TAB>payload` lines on stdin; prints one JSON line per file: whether
zxing-cpp read the payload, and its median time over the rounds in ms, decoding only (the frame
is loaded and converted before the clock starts). Not a test dependency: the benchmark runs it
if it can and says how to install it if not.
"""

import json
import sys
import time

try:
    import numpy
    import zxingcpp
    from PIL import Image
except ImportError as missing:
    print(json.dumps({"missing": str(missing)}))
    sys.exit(0)

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 5

for line in sys.stdin:
    path, payload = line.rstrip("\n").split("\t", 1)
    frame = numpy.asarray(Image.open(path).convert("L"))
    times = []
    read = False
    for _ in range(ROUNDS):
        started = time.perf_counter()
        found = zxingcpp.read_barcodes(frame, formats=zxingcpp.BarcodeFormat.QRCode)
        times.append((time.perf_counter() - started) * 1000.0)
        read = read or any(code.text == payload for code in found)
    times.sort()
    print(json.dumps({"file": path, "read": read, "ms": times[len(times) // 2]}), flush=True)
