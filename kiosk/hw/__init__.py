"""Hardware adapters (camera, buttons, LED bar): a Protocol, a Pi implementation and a simulator one."""
