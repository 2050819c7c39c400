"""The pure core: numpy and the standard library only (no pygame, picamera2 or gpiozero)."""
