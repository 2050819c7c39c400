"""Running a fleet of kiosks: the rep log and its stats, Prometheus metrics, systemd's notify socket,
the hardware self-test, atomic file writes."""
