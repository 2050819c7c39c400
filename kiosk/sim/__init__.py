"""Synthetic side-view scenes with ground truth: the demo camera, the tests and the benchmark."""
