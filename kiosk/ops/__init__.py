"""Running the kiosk unattended: health metrics and heartbeat, the systemd watchdog,
usage counts, logs and the self-test. Plain Python: nothing here imports Kivy."""
