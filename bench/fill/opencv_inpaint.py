"""Runs OpenCV's classical inpainting on benchmark cases.

Usage: opencv_inpaint.py <cases.json>, where cases.json lists
{"image": path, "mask": path (255 = fill), "out": path prefix}. Prints one JSON line per
case and method with the seconds spent in the OpenCV call alone.
"""
import json
import sys
import time

import cv2
import numpy as np

for case in json.load(open(sys.argv[1])):
    image = cv2.imread(case["image"], cv2.IMREAD_COLOR)
    hole = cv2.imread(case["mask"], cv2.IMREAD_GRAYSCALE)

    start = time.perf_counter()
    telea = cv2.inpaint(image, hole, 3, cv2.INPAINT_TELEA)
    seconds = time.perf_counter() - start
    cv2.imwrite(case["out"] + "opencv-telea.png", telea)
    print(json.dumps({"case": case["out"], "method": "opencv-telea", "seconds": seconds}), flush=True)

    # xphoto's mask is the opposite: non-zero marks the pixels to keep.
    keep = np.where(hole > 0, 0, 255).astype(np.uint8)
    result = np.zeros_like(image)
    start = time.perf_counter()
    cv2.xphoto.inpaint(image, keep, result, cv2.xphoto.INPAINT_FSR_FAST)
    seconds = time.perf_counter() - start
    cv2.imwrite(case["out"] + "opencv-fsr-fast.png", result)
    print(json.dumps({"case": case["out"], "method": "opencv-fsr-fast", "seconds": seconds}), flush=True)
